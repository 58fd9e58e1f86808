package dev.ebb.scaler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.scaler.target.FakeDockerEngine;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code ebb local --swarm}: the loop scales a Swarm service's replicas through the Engine API (a fake engine). */
@ExtendWith(KafkaBrokerExtension.class)
class LocalSwarmIT {

    @Test
    void scalesASwarmServiceForABacklogThroughTheEnginesUnixSocket(KafkaBroker broker, @TempDir Path dir)
            throws Exception {
        broker.createTopic("swarm-orders", 4);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(new HashMap<>(broker.clientConfig()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 400; i++) {
                producer.send(new ProducerRecord<>("swarm-orders", i % 4, "k" + i, "v" + i));
            }
        }
        Path workloads = Files.writeString(dir.resolve("workloads.yaml"), """
                apiVersion: ebb.dev/v1alpha1
                kind: ScaledWorkload
                metadata:
                  name: swarm-orders
                spec:
                  scaleTargetRef: {name: workers}
                  kafka:
                    bootstrapServers: "%s"
                    consumerGroup: swarm-orders
                    topics: [swarm-orders]
                    offsetResetPolicy: earliest
                  pollInterval: 500ms
                  policy: {mode: threshold, lagThreshold: 50, maxReplicas: 3}
                """.formatted(broker.bootstrapServers()));
        Path socket = dir.resolve("docker.sock");
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        try (FakeDockerEngine engine = FakeDockerEngine.unix(socket).replicated("orders-svc", "abc123", 0, 5)) {
            LocalCommand.Options options = LocalCommand.parse(new String[] {"--workloads", workloads.toString(),
                    "--swarm", "workers=orders-svc", "--docker-host", "unix://" + socket, "--tick", "500ms",
                    "--headless"});
            try (LocalCommand.Running running = LocalCommand.start(options,
                    new PrintStream(terminal, true, StandardCharsets.UTF_8))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (engine.replicas("orders-svc") != 3 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            }
            assertThat(engine.replicas("orders-svc")).as("terminal:%n%s", terminal).isEqualTo(3);
            assertThat(engine.requests()).anySatisfy(r -> assertThat(r.path())
                    .isEqualTo("/v1.41/services/orders-svc/update?version=5"));
            assertThat(terminal.toString(StandardCharsets.UTF_8)).contains("scaled 0 -> 3");
        }
    }

    @Test
    void refusesAServiceNameThatIsNotOne(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("w.yaml"), "# empty\n");

        assertThatThrownBy(() -> LocalCommand.parse(new String[] {"--workloads", file.toString(),
                "--swarm", "workers=../../containers/x"}))
                .hasMessageContaining("Invalid value '../../containers/x' for swarm service");
        assertThatThrownBy(() -> LocalCommand.parse(new String[] {"--workloads", file.toString(),
                "--swarm", "workers"}))
                .hasMessageContaining("Invalid value 'workers' for --swarm: must be NAME=SERVICE");
    }
}
