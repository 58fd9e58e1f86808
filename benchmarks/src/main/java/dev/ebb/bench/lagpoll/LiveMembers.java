package dev.ebb.bench.lagpoll;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The live members of the lag-poll benchmark, in a JVM of their own (so that the scaler-side heap is measured
 * alone): one real {@link KafkaConsumer} per group (group protocol {@code consumer}, KIP-848, the SDK's default)
 * subscribed to the group's topic. Each consumer is polled until it owns its partitions, then left alone: its
 * background thread keeps heartbeating, so the group stays Stable with one member, and it never commits (auto-commit
 * off), so the lag the benchmark committed does not move. Prints {@code joined N} as members join and {@code ready}
 * once all have their partitions; exits when its standard input closes.
 *
 * <p>Usage: {@code LiveMembers BOOTSTRAP FILE}, FILE holding one {@code group<TAB>topic} line per group.
 */
public final class LiveMembers {

    static final String READY = "ready";

    private LiveMembers() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        String bootstrap = args[0];
        List<String[]> groups = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            if (!line.isBlank()) {
                groups.add(line.split("\t"));
            }
        }
        List<KafkaConsumer<byte[], byte[]>> consumers = new ArrayList<>();
        for (String[] g : groups) {
            Map<String, Object> c = new HashMap<>();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.GROUP_ID_CONFIG, g[0]);
            c.put(ConsumerConfig.CLIENT_ID_CONFIG, "member-" + g[0]);
            c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            // Never polled again after joining: the member must not be expelled for it during the benchmark.
            c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofHours(2).toMillis());
            // Small footprint: tiny fetches (the records are 16 bytes), few metrics samples.
            c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024);
            c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024);
            c.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, 16 * 1024);
            c.put(ConsumerConfig.SEND_BUFFER_CONFIG, 16 * 1024);
            c.put(ConsumerConfig.METRICS_NUM_SAMPLES_CONFIG, 1);
            c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
            consumer.subscribe(List.of(g[1]));
            consumers.add(consumer);
        }
        AtomicInteger joined = new AtomicInteger();
        int drivers = 4;
        List<Thread> threads = new ArrayList<>();
        for (int d = 0; d < drivers; d++) {
            List<KafkaConsumer<byte[], byte[]>> mine = new ArrayList<>();
            for (int i = d; i < consumers.size(); i += drivers) {
                mine.add(consumers.get(i));
            }
            Thread t = new Thread(() -> {
                List<KafkaConsumer<byte[], byte[]>> waiting = new ArrayList<>(mine);
                while (!waiting.isEmpty()) {
                    for (var it = waiting.iterator(); it.hasNext(); ) {
                        KafkaConsumer<byte[], byte[]> consumer = it.next();
                        consumer.poll(Duration.ZERO);
                        if (!consumer.assignment().isEmpty()) {
                            it.remove();
                            int n = joined.incrementAndGet();
                            if (n % 100 == 0) {
                                System.out.println("joined " + n);
                            }
                        }
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "join-driver-" + d);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println(READY + " " + joined.get());
        System.out.flush();
        // Hold the members until the benchmark closes our standard input.
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            while (in.readLine() != null) {
                // nothing to do
            }
        }
        consumers.parallelStream().forEach(consumer -> consumer.close(
                org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(1))));
    }
}
