package dev.ebb.bench.e2e;

import dev.ebb.bench.demo.LoadGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * After a run, once its workers have stopped: reads the input and the output topic from the start with a
 * {@code read_committed} consumer of its own (no group, nothing shared with the run), until it has reached the end
 * of every partition and nothing new arrived for a quiet period, and tallies the order ids.
 */
final class QuietRecount {

    private static final Pattern ID = Pattern.compile("\"orderId\"\\s*:\\s*\"(order-\\d+)\"");

    private QuietRecount() {
    }

    static Tally count(Map<String, Object> clientConfig, String input, String output, Duration quiet,
                       Duration timeout) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "ebb-e2e-recount");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Tally tally = new Tally();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(input, output)) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            long lastRecordAt = System.nanoTime();
            while (System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, String> r : records) {
                    long seq = seq(r.key(), r.value());
                    if (r.topic().equals(input)) {
                        tally.input(seq);
                    } else {
                        tally.output(seq);
                    }
                }
                if (!records.isEmpty()) {
                    lastRecordAt = System.nanoTime();
                    continue;
                }
                // Quiet: at the end of every partition (the last stable offset under read_committed) and nothing
                // new for the quiet period.
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
                boolean atEnd = partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
                if (atEnd && System.nanoTime() - lastRecordAt >= quiet.toNanos()) {
                    return tally;
                }
            }
            throw new IllegalStateException("The recount of " + input + " and " + output + " was not quiet after "
                    + timeout.toSeconds() + " s");
        }
    }

    static long seq(String key, String value) {
        long seq = LoadGenerator.seq(key);
        if (seq < 0 && value != null) {
            Matcher m = ID.matcher(value);
            if (m.find()) {
                seq = LoadGenerator.seq(m.group(1));
            }
        }
        return seq;
    }
}
