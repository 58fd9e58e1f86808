package dev.ebb.scaler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkloadStatus;
import dev.ebb.scaler.workload.spec.WorkloadCondition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusCommandIT {

    @Test
    void listsEveryWorkloadWithLagReplicasAndTheLastReason() {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            ScaledWorkloadStatus ok = new ScaledWorkloadStatus();
            ok.setLag(12400L);
            ok.setTimeLag("8s");
            ok.setDesiredReplicas(5);
            ok.setCurrentReplicas(3);
            ok.setMode("drain");
            ok.setLastReason("lag 12400, arrivals 3100/s -> 5");
            ok.setConditions(List.of(new WorkloadCondition("Ready", "True", "Scaling", "ok", null, 1L)));
            create(client, "shop", "orders", ok);
            ScaledWorkloadStatus bad = new ScaledWorkloadStatus();
            bad.setConditions(List.of(new WorkloadCondition("Ready", "False", "InvalidSpec",
                    "Invalid value -5 for spec.policy.lagThreshold: must be > 0", null, 1L)));
            create(client, "billing", "invoices", bad);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = StatusCommand.print(client, StatusCommand.Scope.ALL, null,
                    new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

            String text = out.toString(StandardCharsets.UTF_8);
            assertThat(code).isZero();
            List<String> lines = text.lines().toList();
            assertThat(lines.get(0)).startsWith("NAMESPACE").contains("LAG", "DESIRED", "CURRENT", "REASON");
            assertThat(lines.get(1)).contains("billing", "invoices", "False",
                    "Invalid value -5 for spec.policy.lagThreshold");
            assertThat(lines.get(2)).contains("shop", "orders", "Deployment/orders-fn", "12400", "8s", "5", "3",
                    "drain", "True", "lag 12400, arrivals 3100/s -> 5");
        } finally {
            server.destroy();
        }
    }

    @Test
    void printsTheTableWithoutClientWarnings(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            ScaledWorkloadStatus ok = new ScaledWorkloadStatus();
            ok.setLag(7L);
            create(client, "shop", "orders", ok);
            java.nio.file.Path kubeconfig = dir.resolve("config");
            java.nio.file.Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: mock, cluster: {server: "%s"}}]
                    contexts: [{name: mock, context: {cluster: mock, user: u, namespace: shop}}]
                    current-context: mock
                    users: [{name: u, user: {token: t}}]
                    """.formatted(client.getMasterUrl().toString()));
            // A fresh JVM, as `ebb status` runs: fabric8 warns about a v1alpha1 resource once per JVM.
            ProcessBuilder pb = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin",
                    "java").toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "-A");
            pb.environment().put("KUBECONFIG", kubeconfig.toString());
            pb.redirectError(dir.resolve("err").toFile()).redirectOutput(dir.resolve("out").toFile());
            Process p = pb.start();
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            String out = java.nio.file.Files.readString(dir.resolve("out"));
            String err = java.nio.file.Files.readString(dir.resolve("err"));
            assertThat(p.exitValue()).as(out + err).isZero();
            assertThat(out.lines().toList()).hasSize(2);
            assertThat(out).startsWith("NAMESPACE").contains("orders", "7");
            assertThat(out + err).doesNotContain("unstable", "WARN");
        } finally {
            server.destroy();
        }
    }

    /** {@code ebb status} in a JVM of its own. */
    public static final class Main {
        public static void main(String[] args) {
            System.exit(StatusCommand.run(args));
        }
    }

    private static void create(KubernetesClient client, String ns, String name, ScaledWorkloadStatus status) {
        ScaledWorkload sw = new ScaledWorkload();
        sw.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        ScaledWorkloadSpec spec = new ScaledWorkloadSpec();
        spec.setScaleTargetRef(new ScaleTargetRefSpec("apps/v1", "Deployment", name + "-fn"));
        KafkaSpec kafka = new KafkaSpec();
        kafka.setBootstrapServers("kafka:9092");
        kafka.setConsumerGroup(name);
        spec.setKafka(kafka);
        sw.setSpec(spec);
        sw.setStatus(status);
        client.resources(ScaledWorkload.class).inNamespace(ns).resource(sw).create();
    }
}
