package dev.ebb.scaler.keda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.local.ScaledWorkloadFile;
import dev.ebb.scaler.policy.FallbackBehavior;
import dev.ebb.scaler.policy.Mode;
import dev.ebb.scaler.policy.OffsetResetPolicy;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.Pause;
import dev.ebb.scaler.workload.Workload;
import dev.ebb.scaler.workload.WorkloadSpecMapper;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KedaImporterTest {

    static String resource(String name) {
        try (InputStream in = KedaImporterTest.class.getResourceAsStream("/keda/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KedaImporter.Result convert(KedaImporter.Overrides overrides, String... names) {
        Map<String, String> sources = new java.util.LinkedHashMap<>();
        for (String n : names) {
            sources.put(n, resource(n));
        }
        return new KedaImporter(overrides).convert(sources);
    }

    private static KedaImporter.Imported only(KedaImporter.Result r, String name) {
        return r.imported().stream().filter(i -> i.workload().getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not converted: " + r.failed()));
    }

    private static List<String> fields(List<KedaImporter.Note> notes) {
        return notes.stream().map(KedaImporter.Note::field).toList();
    }

    @Test
    void carriesEveryKafkaTriggerParameterIntoThresholdMode() {
        KedaImporter.Result r = convert(new KedaImporter.Overrides("scram_sha512", "enable"), "orders-sasl.yaml");

        ScaledWorkload sw = only(r, "orders-consumer").workload();
        assertThat(sw.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(sw.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(sw.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
        assertThat(sw.getSpec().getScaleTargetRef().getName()).isEqualTo("orders-consumer");
        KafkaSpec kafka = sw.getSpec().getKafka();
        assertThat(kafka.getBootstrapServers()).isEqualTo("kafka-0.kafka.shop.svc:9093,kafka-1.kafka.shop.svc:9093");
        assertThat(kafka.getConsumerGroup()).isEqualTo("orders-consumer");
        assertThat(kafka.getTopics()).containsExactly("orders", "orders-retry");
        assertThat(kafka.getOffsetResetPolicy()).isEqualTo("earliest");
        PolicySettings p = sw.getSpec().getPolicy();
        assertThat(p.getMode()).isEqualTo("threshold");
        assertThat(p.getLagThreshold()).isEqualTo(250L);
        assertThat(p.getActivationLagThreshold()).isEqualTo(20L);
        assertThat(p.getAllowIdleConsumers()).isFalse();
        assertThat(p.getLimitToPartitionsWithLag()).isTrue();
        assertThat(p.getExcludePersistentLag()).isTrue();
        assertThat(p.getMinReplicas()).isEqualTo(2);
        assertThat(p.getMaxReplicas()).isEqualTo(24);
        assertThat(p.getIdleReplicas()).isEqualTo(0);
        assertThat(p.getCooldown()).isEqualTo("2m");
        assertThat(sw.getSpec().getPollInterval()).isEqualTo("15s");
        assertThat(p.getFallback().getFailureThreshold()).isEqualTo(4);
        assertThat(p.getFallback().getReplicas()).isEqualTo(6);
        assertThat(p.getScaleDownWindow()).isEqualTo("1m");
        assertThat(p.getScaleDownMaxStep()).isEqualTo(2);
        assertThat(p.getScaleUpMaxStep()).as("Pods+Percent under Max: a Pods-only step would be stricter").isNull();
        assertThat(sw.getSpec().getRestoreToOriginalReplicaCount()).isTrue();
        assertThat(sw.getMetadata().getAnnotations()).containsEntry(ScaledWorkload.PAUSED_REPLICAS_ANNOTATION, "3");
    }

    @Test
    void namesEveryFieldItCouldNotCarryWithTheReason() {
        KedaImporter.Imported orders = only(convert(KedaImporter.Overrides.none(), "orders-sasl.yaml"),
                "orders-consumer");

        assertThat(orders.notCarried()).anySatisfy(n -> {
            assertThat(n.field()).isEqualTo("spec.triggers[2]");
            assertThat(n.message()).contains("'cpu'").contains("Kafka backlog only");
        });
        assertThat(fields(orders.notCarried())).contains(
                "spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleUp.stabilizationWindowSeconds",
                "spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleUp.policies[0]",
                "spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleUp.policies",
                // the modes are in the Secret, which is never read: without --sasl/--tls they do not carry
                "spec.triggers[0].metadata.sasl", "spec.triggers[0].metadata.tls");
        assertThat(orders.remarks()).anySatisfy(n -> assertThat(n.message()).contains("2 kafka triggers on the "
                + "same group merged"));
        assertThat(orders.remarks()).anySatisfy(n -> {
            assertThat(n.field()).isEqualTo("spec.idleReplicaCount");
            assertThat(n.message()).contains("no records arrived for the cooldown");
        });
        assertThat(orders.workload().getSpec().getKafka().getSecuritySecretRef())
                .as("without the mechanism there is no jaas config to build").isNull();
    }

    @Test
    void turnsTriggerAuthenticationSecretRefsIntoStepsForTheClientSecretWithoutReadingAnySecret() {
        KedaImporter.Imported orders = only(convert(new KedaImporter.Overrides("scram_sha512", "enable"),
                "orders-sasl.yaml"), "orders-consumer");

        KafkaSpec kafka = orders.workload().getSpec().getKafka();
        assertThat(kafka.getSecuritySecretRef().getName()).isEqualTo("orders-consumer-kafka-client");
        assertThat(kafka.getConfig()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsEntry("ssl.truststore.type", "PEM")
                .doesNotContainKey("sasl.jaas.config");
        String steps = String.join("\n", orders.secretSteps());
        assertThat(steps).contains("kubectl -n shop create secret generic orders-consumer-kafka-client")
                .contains("ScramLoginModule required username=")
                .contains("$(kubectl -n shop get secret keda-kafka-secrets -o jsonpath='{.data.username}' | base64 -d)")
                .contains("--from-literal=ssl.truststore.certificates=")
                .contains("jsonpath='{.data.ca}'");
        // The test file carries the Secret itself: none of its values may be echoed.
        String everything = ImportKedaCommand.render(convert(new KedaImporter.Overrides("scram_sha512", "enable"),
                "orders-sasl.yaml"));
        assertThat(everything).doesNotContain("czNjcjN0LXBhc3N3b3Jk").doesNotContain("s3cr3t-password")
                .doesNotContain("b3JkZXJzLWFwcA==").doesNotContain("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t");
    }

    @Test
    void readsModesFromTriggerMetadataAndClusterTriggerAuthenticationsFromKedasNamespace() {
        KedaImporter.Result r = convert(KedaImporter.Overrides.none(), "payments-inline.yaml");

        KedaImporter.Imported payments = only(r, "payments");
        KafkaSpec kafka = payments.workload().getSpec().getKafka();
        assertThat(kafka.getConfig()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256");
        assertThat(String.join("\n", payments.secretSteps()))
                .contains("kubectl -n billing create secret generic payments-kafka-client")
                .contains("kubectl -n keda get secret payments-kafka -o jsonpath='{.data.user}'")
                .contains("jsonpath='{.data.ca\\.crt}'");
        PolicySettings p = payments.workload().getSpec().getPolicy();
        assertThat(p.getLagThreshold()).as("KEDA's default, written out").isEqualTo(10L);
        assertThat(p.getMaxReplicas()).as("KEDA's default 100, not Ebb's 10").isEqualTo(100);
        assertThat(p.getMinReplicas()).isZero();
        assertThat(p.getCooldown()).isEqualTo("5m");
        assertThat(p.getScaleDownWindow()).as("the HPA's default stabilization").isEqualTo("5m");
        assertThat(p.getScaleToZeroOnInvalidOffset()).isTrue();
        assertThat(p.getPartitionLimitation()).isEqualTo("0,2-5");
        assertThat(payments.workload().getSpec().getPollInterval()).as("Ebb's 1s, not KEDA's 30s").isNull();
        assertThat(payments.workload().getMetadata().getAnnotations())
                .containsEntry(ScaledWorkload.PAUSED_ANNOTATION, "true");
        assertThat(payments.notCarried()).anySatisfy(n -> {
            assertThat(n.field()).isEqualTo("spec.triggers[1]");
            assertThat(n.message()).contains("different group").contains("only spec.triggers[0] is carried");
        });
        assertThat(payments.notCarried()).anySatisfy(n -> {
            assertThat(n.field()).isEqualTo("spec.triggers[0].metadata.password");
            assertThat(n.message()).contains("value not shown");
        });
        assertThat(fields(payments.notCarried())).contains("ClusterTriggerAuthentication kafka-scram spec.podIdentity");
        assertThat(ImportKedaCommand.render(r)).doesNotContain("hunter2");
        assertThat(r.skipped()).anySatisfy(s -> assertThat(s).contains("ScaledJob nightly-export")
                .contains("not Jobs"));
    }

    @Test
    void theOutputIsAcceptedByTheScalersOwnReaderAndMapper() {
        KedaImporter.Result r = convert(new KedaImporter.Overrides("scram_sha512", "enable"), "orders-sasl.yaml",
                "payments-inline.yaml");
        String yaml = ImportKedaCommand.render(r);

        ScaledWorkloadFile.Parsed parsed = ScaledWorkloadFile.parse(yaml, "imported.yaml");

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.workloads()).hasSize(2);
        CatalogEntry orders = WorkloadSpecMapper.map(parsed.workloads().get(0));
        assertThat(orders).isInstanceOf(CatalogEntry.Valid.class);
        Workload w = ((CatalogEntry.Valid) orders).workload();
        PolicySpec policy = w.policy();
        assertThat(policy.mode()).isEqualTo(Mode.THRESHOLD);
        assertThat(policy.lagThreshold()).isEqualTo(250);
        assertThat(policy.activationLagThreshold()).isEqualTo(20);
        assertThat(policy.offsetResetPolicy()).isEqualTo(OffsetResetPolicy.EARLIEST);
        assertThat(policy.limitToPartitionsWithLag()).isTrue();
        assertThat(policy.excludePersistentLag()).isTrue();
        assertThat(policy.minReplicas()).isEqualTo(2);
        assertThat(policy.maxReplicas()).isEqualTo(24);
        assertThat(policy.idleReplicas().getAsInt()).isZero();
        assertThat(policy.cooldown()).isEqualTo(Duration.ofMinutes(2));
        assertThat(policy.scaleDownWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(policy.scaleDownMaxStep().getAsInt()).isEqualTo(2);
        assertThat(policy.fallback().orElseThrow().behavior()).isEqualTo(FallbackBehavior.STATIC);
        assertThat(policy.fallback().orElseThrow().replicas()).isEqualTo(6);
        assertThat(w.pollInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(w.group().topics()).containsExactly("orders", "orders-retry");
        assertThat(w.clientConfig()).containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(w.pause()).isInstanceOf(Pause.HoldAt.class);
        CatalogEntry payments = WorkloadSpecMapper.map(parsed.workloads().get(1));
        assertThat(payments).isInstanceOf(CatalogEntry.Valid.class);
        assertThat(((CatalogEntry.Valid) payments).workload().pause()).isInstanceOf(Pause.Paused.class);
    }

    @Test
    void refusesInvalidValuesNamingFieldValueAndRule() {
        KedaImporter.Result r = convert(KedaImporter.Overrides.none(), "invalid.yaml");

        assertThat(r.failed()).extracting(KedaImporter.Failed::source).anySatisfy(s ->
                assertThat(s).contains("ScaledObject shop/broken"));
        List<String> broken = r.failed().stream().filter(f -> f.source().contains("shop/broken")).findFirst()
                .orElseThrow().problems();
        assertThat(broken).anySatisfy(p -> assertThat(p).isEqualTo(
                "Invalid value '-1' for spec.minReplicaCount: must be an integer >= 0"));
        assertThat(broken).anySatisfy(p -> assertThat(p).isEqualTo(
                "Invalid value '-5' for spec.triggers[0].metadata.lagThreshold: must be an integer >= 1"));
        assertThat(broken).anySatisfy(p -> assertThat(p).contains("spec.triggers[0].metadata.bootstrapServers")
                .contains("bootstrapServersFromEnv names a variable of the target's container"));
        assertThat(broken).anySatisfy(p -> assertThat(p).isEqualTo("Invalid value 'newest' for "
                + "spec.triggers[0].metadata.offsetResetPolicy: must be latest or earliest"));
        assertThat(broken).anySatisfy(p -> assertThat(p).isEqualTo("Invalid value 'maybe' for "
                + "spec.triggers[0].metadata.allowIdleConsumers: must be true or false"));
        assertThat(r.failed()).anySatisfy(f -> {
            assertThat(f.source()).contains("shop/only-cpu");
            assertThat(f.problems()).singleElement().satisfies(p -> assertThat(p).contains("no trigger of type kafka"));
        });
        assertThat(r.failed()).anySatisfy(f -> assertThat(f.problems()).singleElement().satisfies(p ->
                assertThat(p).startsWith("Invalid value 'evil?kind: Evil' for metadata.name")));
    }

    @Test
    void textFromTheInputNeverBecomesYaml() {
        KedaImporter.Result r = convert(KedaImporter.Overrides.none(), "invalid.yaml");
        String yaml = ImportKedaCommand.render(r);

        assertThat(only(r, "injected-type").notCarried()).anySatisfy(n ->
                assertThat(n.message()).contains("'cpu?kind: Evil?apiVersion: v1'"));
        assertThat(yaml.lines().filter(l -> !l.startsWith("#") && !l.startsWith(" ") && !l.equals("---")))
                .allSatisfy(l -> assertThat(l).matches("^(apiVersion|kind|metadata|spec): ?.*"))
                .noneMatch(l -> l.contains("Evil"));
        ScaledWorkloadFile.Parsed parsed = ScaledWorkloadFile.parse(yaml, "out.yaml");
        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.workloads()).extracting(w -> w.getMetadata().getName()).containsExactly("injected-type");
    }
}
