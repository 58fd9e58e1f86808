package dev.ebb.bench.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the workers' output topic back ({@code read_committed}, no group: every partition from the start) and counts
 * which order ids were processed, how many times, and when the burst's last record came out.
 */
public final class OutputCounter implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("\"orderId\"\\s*:\\s*\"(order-\\d+)\"");

    private final Map<String, Object> clientConfig;
    private final String topic;
    private final Clock clock;
    private final BitSet seen = new BitSet();
    private long duplicates;
    private long unrecognised;
    private long records;
    /** When each sequence number was first seen, epoch millis; grown as needed. */
    private long[] firstSeen = new long[1024];
    private Thread thread;
    private volatile boolean stop;
    private volatile Exception error;

    public OutputCounter(Map<String, Object> clientConfig, String topic, Clock clock) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = topic;
        this.clock = clock;
    }

    public void start() {
        thread = new Thread(this::run, "ebb-demo-output");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "ebb-demo-output");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stop) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    count(r.key(), r.value());
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            error = e;
        }
    }

    private synchronized void count(String key, String value) {
        records++;
        long seq = LoadGenerator.seq(key);
        if (seq < 0 && value != null) {
            Matcher m = ID.matcher(value);
            if (m.find()) {
                seq = LoadGenerator.seq(m.group(1));
            }
        }
        if (seq < 0) {
            unrecognised++;
            return;
        }
        if (seen.get((int) seq)) {
            duplicates++;
            return;
        }
        seen.set((int) seq);
        if (seq >= firstSeen.length) {
            firstSeen = java.util.Arrays.copyOf(firstSeen, (int) Math.max(seq + 1, firstSeen.length * 2L));
        }
        firstSeen[(int) seq] = clock.millis();
    }

    public synchronized long processed() {
        return seen.cardinality();
    }

    public synchronized long duplicates() {
        return duplicates;
    }

    public synchronized long unrecognised() {
        return unrecognised;
    }

    public synchronized long outputRecords() {
        return records;
    }

    /** Acknowledged ids not seen in the output. */
    public synchronized long missing(BitSet produced) {
        BitSet lost = (BitSet) produced.clone();
        lost.andNot(seen);
        return lost.cardinality();
    }

    /** When the last of the records {@code [first, end)} came out of the workers; empty while some are missing. */
    public synchronized Optional<Instant> allSeenAt(long first, long end) {
        long last = 0;
        for (long seq = first; seq < end; seq++) {
            if (!seen.get((int) seq)) {
                return Optional.empty();
            }
            last = Math.max(last, firstSeen[(int) seq]);
        }
        return end > first ? Optional.of(Instant.ofEpochMilli(last)) : Optional.empty();
    }

    public Optional<Exception> error() {
        return Optional.ofNullable(error);
    }

    @Override
    public void close() {
        stop = true;
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
