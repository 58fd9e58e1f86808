package dev.ebb.scaler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queues for Kafka end to end: a share group on a 4-partition topic with a backlog, the scaler in local mode with
 * worker processes. It runs twice as many workers as partitions, every one of them receives and acknowledges records,
 * and SIGKILLing workers mid-backlog loses nothing (their acquired records are released and delivered again).
 */
@ExtendWith(KafkaBrokerExtension.class)
class ShareGroupScalingIT {

    private static final int PARTITIONS = 4;
    private static final int WORKERS = 8;
    private static final int RECORDS = 4000;
    private static final Duration WAIT = Duration.ofMinutes(4);

    @Test
    void scalesAShareGroupPastItsPartitionCountAndLosesNothingWhenWorkersAreKilled(KafkaBroker broker,
                                                                                  @TempDir Path dir)
            throws Exception {
        String in = "sg-scale-in";
        String out = "sg-scale-out";
        String group = "sg-scale";
        broker.createTopic(in, PARTITIONS);
        broker.createTopic(out, 1);
        try (Admin admin = Admin.create(broker.clientConfig())) {
            // A new share group starts at the log end; this one should see the backlog produced before it.
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
                    new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"),
                            AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
        Set<String> ids = produce(broker, in);
        Path workloads = Files.writeString(dir.resolve("workloads.yaml"), """
                apiVersion: ebb.dev/v1alpha1
                kind: ScaledWorkload
                metadata:
                  name: queue
                spec:
                  scaleTargetRef: {name: probe}
                  kafka:
                    bootstrapServers: "%s"
                    shareGroup: %s
                    topics: [%s]
                  pollInterval: 500ms
                  policy: {mode: threshold, lagThreshold: 100, maxReplicas: %d, cooldown: 10m, scaleDownWindow: 10m}
                """.formatted(broker.bootstrapServers(), group, in, WORKERS));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"), ShareProbeWorker.class.getName());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("EBB_OUTPUT_TOPIC", out);
        env.put("EBB_HTTP_PORT", "off");
        env.put("TEST_WORK", "15ms");
        // Small fetches, so that the first workers do not acquire the whole backlog before the others start.
        env.put("EBB_KAFKA_MAX_POLL_RECORDS", "10");
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path pids = Files.createDirectories(dir.resolve("pids"));
        env.put("TEST_PID_DIR", pids.toString());
        LocalCommand.Options options = new LocalCommand.Options(workloads, Map.of("probe", command), List.of(),
                List.of(), Map.of("probe", env), Duration.ofMillis(500), Duration.ofSeconds(10), 0, false,
                Optional.of(logs), Map.of(), Optional.empty(), Optional.empty());
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();

        Map<String, Integer> byWorker = new HashMap<>();
        Set<String> processed = new HashSet<>();
        try (LocalCommand.Running running = LocalCommand.start(options,
                new PrintStream(terminal, true, StandardCharsets.UTF_8));
             KafkaConsumer<String, String> output = outputConsumer(broker, out)) {
            BooleanSupplier read = () -> {
                for (ConsumerRecord<String, String> r : output.poll(Duration.ofMillis(200))) {
                    int bar = r.value().indexOf('|');
                    byWorker.merge(r.value().substring(0, bar), 1, Integer::sum);
                    processed.add(r.value().substring(bar + 1));
                }
                return true;
            };

            await("the scaler runs " + WORKERS + " workers on " + PARTITIONS + " partitions", terminal, () ->
                    read.getAsBoolean() && running.log().samples("queue").stream()
                            .anyMatch(s -> s.currentReplicas() >= WORKERS));
            await("every one of " + WORKERS + " workers processed records", terminal, () ->
                    read.getAsBoolean() && byWorker.size() >= WORKERS);
            assertThat(processed).as("the kill must happen with a backlog left").hasSizeLessThan(RECORDS);

            List<ProcessHandle> probes;
            try (var files = Files.list(pids)) {
                probes = files.map(f -> ProcessHandle.of(Long.parseLong(f.getFileName().toString())))
                        .flatMap(Optional::stream).filter(ProcessHandle::isAlive).toList();
            }
            assertThat(probes).hasSizeGreaterThanOrEqualTo(WORKERS);
            List<ProcessHandle> victims = probes.subList(0, 3);
            victims.forEach(ProcessHandle::destroyForcibly); // SIGKILL: no drain, no release by the worker
            await("the killed workers are gone", terminal, () -> victims.stream().noneMatch(ProcessHandle::isAlive));

            await("every record processed despite the kills", terminal, () ->
                    read.getAsBoolean() && processed.containsAll(ids));
            await("the share group's backlog is acknowledged (lag 0)", terminal, () -> {
                List<LiveSample> samples = running.log().samples("queue");
                LiveSample last = samples.get(samples.size() - 1);
                return last.lag().isPresent() && last.lag().getAsLong() == 0;
            });
        }
        System.out.printf("share group scaling: records per worker %s%n", new java.util.TreeMap<>(byWorker));
        assertThat(processed).containsAll(ids);
        assertThat(byWorker).as("distinct workers that processed records").hasSizeGreaterThanOrEqualTo(WORKERS);
        assertThat(byWorker.values()).allSatisfy(n -> assertThat(n).isPositive());
        assertThat(terminal.toString(StandardCharsets.UTF_8)).contains("ACTIVATE");
    }

    private static Set<String> produce(KafkaBroker broker, String topic) {
        Map<String, Object> config = new HashMap<>(broker.clientConfig());
        // Small batches: a share consumer acquires whole batches, and one worker should not take the whole backlog.
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256);
        Set<String> ids = new HashSet<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                String id = "r-" + i;
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, id, id));
                ids.add(id);
            }
        }
        return ids;
    }

    private static KafkaConsumer<String, String> outputConsumer(KafkaBroker broker, String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(new HashMap<>(broker.clientConfig()),
                new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static void await(String what, ByteArrayOutputStream terminal, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + WAIT + ": " + what + "\nterminal:\n"
                        + terminal.toString(StandardCharsets.UTF_8));
            }
            Thread.sleep(100);
        }
    }
}
