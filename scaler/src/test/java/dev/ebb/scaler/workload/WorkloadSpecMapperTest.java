package dev.ebb.scaler.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.policy.OffsetResetPolicy;
import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.policy.Mode;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.reconcile.Pause;
import dev.ebb.scaler.workload.spec.Durations;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadSpecMapperTest {

    private static final String MINIMAL = """
            apiVersion: ebb.dev/v1alpha1
            kind: ScaledWorkload
            metadata:
              name: orders
              namespace: shop
            spec:
              scaleTargetRef:
                name: orders-fn
              kafka:
                bootstrapServers: kafka-1:9092,kafka-0:9092
                consumerGroup: orders
            """;

    @Test
    void mapsAMinimalResourceWithTheSchemaDefaults() {
        Workload w = valid(MINIMAL);
        assertThat(w.id()).isEqualTo(new WorkloadId("shop", "orders"));
        assertThat(w.target().toString()).isEqualTo("Deployment/orders-fn (apps/v1, namespace shop)");
        assertThat(w.cluster()).isEqualTo(ClusterKey.plain("kafka-0:9092,kafka-1:9092"));
        assertThat(w.group()).isEqualTo(GroupQuery.consumerGroup("orders", List.of()));
        assertThat(w.policy()).isEqualTo(PolicySpec.defaults());
        assertThat(w.pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(w.pause()).isEqualTo(Pause.none());
        assertThat(w.clientConfig()).containsEntry("bootstrap.servers", "kafka-1:9092,kafka-0:9092");
    }

    @Test
    void mapsEveryPolicyField() {
        Workload w = valid(MINIMAL + """
                    topics: [orders, returns]
                    isolationLevel: read_committed
                    offsetResetPolicy: earliest
                  policy:
                    mode: threshold
                    minReplicas: 1
                    maxReplicas: 20
                    idleReplicas: 0
                    activationLagThreshold: 5
                    lagThreshold: 100
                    drainWithin: 1m30s
                    perReplicaRate: 250.5
                    maxTimeLag: 45s
                    cooldown: 10m
                    scaleUpMaxStep: 4
                    scaleDownWindow: 2m
                    scaleDownMaxStep: 2
                    tolerance: 0.2
                    readyDelay: 15s
                    rebalanceGrace: 20s
                    commitInterval: 500ms
                    staleAfter: 2m
                    allowIdleConsumers: true
                    partitionLimitation: "0,2-3"
                    fallback:
                      failureThreshold: 4
                      replicas: 2
                      behavior: currentReplicasIfHigher
                  pollInterval: 5s
                """);
        PolicySpec p = w.policy();
        assertThat(p.mode()).isEqualTo(Mode.THRESHOLD);
        assertThat(p.minReplicas()).isEqualTo(1);
        assertThat(p.maxReplicas()).isEqualTo(20);
        assertThat(p.idleReplicas()).hasValue(0);
        assertThat(p.activationLagThreshold()).isEqualTo(5);
        assertThat(p.lagThreshold()).isEqualTo(100);
        assertThat(p.drainWithin()).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.perReplicaRate()).isEqualTo(250.5);
        assertThat(p.maxTimeLag()).contains(Duration.ofSeconds(45));
        assertThat(p.cooldown()).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.scaleUpMaxStep()).hasValue(4);
        assertThat(p.scaleDownWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.scaleDownMaxStep()).hasValue(2);
        assertThat(p.tolerance()).isEqualTo(0.2);
        assertThat(p.readyDelay()).isEqualTo(Duration.ofSeconds(15));
        assertThat(p.rebalanceGrace()).isEqualTo(Duration.ofSeconds(20));
        assertThat(p.commitInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(p.staleAfter()).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.allowIdleConsumers()).isTrue();
        assertThat(p.partitionLimitation()).isEqualTo("0,2-3");
        assertThat(p.fallback()).hasValueSatisfying(f -> {
            assertThat(f.failureThreshold()).isEqualTo(4);
            assertThat(f.replicas()).isEqualTo(2);
            assertThat(f.behavior().yamlName()).isEqualTo("currentReplicasIfHigher");
        });
        assertThat(p.offsetResetPolicy().name()).isEqualTo("EARLIEST");
        assertThat(w.group().topics()).containsExactly("orders", "returns");
        assertThat(w.group().isolation()).isEqualTo(GroupQuery.Isolation.READ_COMMITTED);
        assertThat(w.group().offsetReset()).isEqualTo(OffsetResetPolicy.EARLIEST);
        assertThat(w.pollInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void reportsEveryProblemAtOnceNamingFieldValueAndRule() {
        CatalogEntry entry = map("""
                apiVersion: ebb.dev/v1alpha1
                kind: ScaledWorkload
                metadata:
                  name: bad
                spec:
                  scaleTargetRef:
                    kind: Deployment
                  kafka:
                    bootstrapServers: kafka:9092
                    isolationLevel: serializable
                  policy:
                    mode: turbo
                  pollInterval: often
                """);
        assertThat(entry).isInstanceOfSatisfying(CatalogEntry.Invalid.class, bad -> assertThat(bad.problems())
                .containsExactlyInAnyOrder(
                        "Invalid value 'null' for spec.scaleTargetRef.name: must not be blank",
                        "Invalid value null for spec.kafka.consumerGroup: one of consumerGroup and shareGroup must be set",
                        "Invalid value 'serializable' for spec.kafka.isolationLevel: must be read_uncommitted or read_committed",
                        "Invalid value 'turbo' for spec.policy.mode: must be drain or threshold",
                        "Invalid value 'often' for spec.pollInterval: must be a duration such as 500ms, 30s, 5m or 1h30m"));
    }

    @Test
    void prefixesPolicyValidationWithTheFieldPathInTheResource() {
        CatalogEntry entry = map(MINIMAL + """
                  policy:
                    lagThreshold: -5
                    minReplicas: 4
                    maxReplicas: 2
                """);
        assertThat(entry).isInstanceOfSatisfying(CatalogEntry.Invalid.class, bad -> assertThat(bad.problems())
                .contains("Invalid value -5 for spec.policy.lagThreshold: must be > 0")
                .anyMatch(p -> p.startsWith("Invalid value 2 for spec.policy.maxReplicas")));
    }

    @Test
    void mapsAShareGroupUncappedByPartitions() {
        Workload w = valid(MINIMAL.replace("consumerGroup: orders", "shareGroup: orders-queue"));
        assertThat(w.group().kind()).isEqualTo(GroupKind.SHARE);
        assertThat(w.group().groupId()).isEqualTo("orders-queue");
        assertThat(w.policy().groupKind()).isEqualTo(GroupKind.SHARE);
    }

    @Test
    void readsThePauseAnnotations() {
        String paused = MINIMAL.replace("  namespace: shop\n", "  namespace: shop\n  annotations:\n"
                + "    ebb.dev/paused: \"true\"\n");
        assertThat(valid(paused).pause()).isInstanceOf(Pause.Paused.class);
        String held = MINIMAL.replace("  namespace: shop\n", "  namespace: shop\n  annotations:\n"
                + "    ebb.dev/paused-replicas: \"3\"\n");
        assertThat(valid(held).pause()).isInstanceOfSatisfying(Pause.HoldAt.class,
                h -> assertThat(h.replicas()).isEqualTo(3));
        String bad = MINIMAL.replace("  namespace: shop\n", "  namespace: shop\n  annotations:\n"
                + "    ebb.dev/paused-replicas: \"lots\"\n");
        assertThat(map(bad)).isInstanceOfSatisfying(CatalogEntry.Invalid.class, i -> assertThat(i.problems())
                .containsExactly("Invalid value 'lots' for metadata.annotations.ebb.dev/paused-replicas: must be an "
                        + "integer >= 0"));
    }

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"ebb\" password=\"hunter2\";";

    @Test
    void keepsSecretValuesOutOfTheClusterKeyAndToString() {
        ScaledWorkload sw = Serialization.unmarshal(MINIMAL, ScaledWorkload.class);
        sw.getSpec().getKafka().setSecuritySecretRef(new dev.ebb.scaler.workload.spec.SecretRefSpec("kafka"));
        CatalogEntry entry = WorkloadSpecMapper.map(new WorkloadId("shop", "orders"), sw.getSpec(),
                Map.of("sasl.jaas.config", JAAS, "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"),
                "secret:shop/kafka@7", Map.of());
        Workload w = ((CatalogEntry.Valid) entry).workload();
        assertThat(w.clientConfig()).containsEntry("sasl.jaas.config", JAAS);
        assertThat(w.cluster().credentials()).startsWith("secret:shop/kafka@7;client:");
        assertThat(w.toString()).doesNotContain("hunter2");
        assertThat(w.cluster().toString()).doesNotContain("hunter2");
    }

    @Test
    void refusesBootstrapServersThatAreNotHostPortLists() {
        for (String bad : List.of("kafka:9092\nWARN forged line", "kafka", "http://kafka:9092", "kafka:9092/x")) {
            ScaledWorkload sw = Serialization.unmarshal(MINIMAL, ScaledWorkload.class);
            sw.getSpec().getKafka().setBootstrapServers(bad);
            CatalogEntry entry = WorkloadSpecMapper.map(sw);
            assertThat(entry).isInstanceOfSatisfying(CatalogEntry.Invalid.class, i -> assertThat(i.problems())
                    .anySatisfy(p -> assertThat(p).contains("spec.kafka.bootstrapServers", "host:port")
                            .doesNotContain("\n")));
        }
        ScaledWorkload ok = Serialization.unmarshal(MINIMAL, ScaledWorkload.class);
        ok.getSpec().getKafka().setBootstrapServers("b-1.kafka.svc:9092, 10.0.0.7:9093,[::1]:9094");
        assertThat(WorkloadSpecMapper.map(ok)).isInstanceOf(CatalogEntry.Valid.class);
    }

    @Test
    void workloadsShareAKafkaClientOnlyWhenEveryClientSettingIsEqual() {
        ScaledWorkload sw = Serialization.unmarshal(MINIMAL, ScaledWorkload.class);
        sw.getSpec().getKafka().setSecuritySecretRef(new dev.ebb.scaler.workload.spec.SecretRefSpec("kafka"));
        Map<String, String> scram512 = Map.of("sasl.jaas.config", JAAS, "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512");
        Map<String, String> scram256 = Map.of("sasl.jaas.config", JAAS, "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-256");
        Workload a = ((CatalogEntry.Valid) WorkloadSpecMapper.map(new WorkloadId("shop", "a"), sw.getSpec(), scram512,
                "secret:shop/kafka@7", Map.of())).workload();
        Workload b = ((CatalogEntry.Valid) WorkloadSpecMapper.map(new WorkloadId("shop", "b"), sw.getSpec(), scram512,
                "secret:shop/kafka@7", Map.of())).workload();
        Workload c = ((CatalogEntry.Valid) WorkloadSpecMapper.map(new WorkloadId("shop", "c"), sw.getSpec(), scram256,
                "secret:shop/kafka@7", Map.of())).workload();

        assertThat(a.cluster()).isEqualTo(b.cluster());
        assertThat(a.cluster()).as("same Secret version, other mechanism").isNotEqualTo(c.cluster());
    }

    @Test
    void refusesClientSettingsOutsideTheAllowListFromConfigAndSecret() {
        ScaledWorkload sw = Serialization.unmarshal(MINIMAL, ScaledWorkload.class);
        sw.getSpec().getKafka().setConfig(Map.of("metric.reporters", "com.evil.Reporter"));
        sw.getSpec().getKafka().setSecuritySecretRef(new dev.ebb.scaler.workload.spec.SecretRefSpec("kafka"));
        CatalogEntry entry = WorkloadSpecMapper.map(new WorkloadId("shop", "orders"), sw.getSpec(),
                Map.of("ssl.truststore.location", "/etc/passwd", "sasl.jaas.config", "x required password=\"hunter2\";"),
                "secret:shop/kafka@7", Map.of());

        assertThat(entry).isInstanceOfSatisfying(CatalogEntry.Invalid.class, i -> assertThat(i.problems())
                .containsExactly(
                        "Invalid value 'com.evil.Reporter' for spec.kafka.config[metric.reporters]: settings that "
                                + "load classes or providers are not allowed in the scaler",
                        "Invalid value [hidden] for Secret kafka[sasl.jaas.config]: login module x is not allowed: "
                                + "must be org.apache.kafka.common.security.plain.PlainLoginModule or "
                                + "org.apache.kafka.common.security.scram.ScramLoginModule",
                        "Invalid value '/etc/passwd' for Secret kafka[ssl.truststore.location]: settings that read "
                                + "local files or URLs are not allowed in the scaler; give certificates and keys as "
                                + "PEM content (ssl.truststore.certificates, ssl.keystore.certificate.chain, "
                                + "ssl.keystore.key)"));
    }

    @Test
    void parsesAndFormatsKubernetesStyleDurations() {
        assertThat(Durations.parse("f", "1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("f", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("f", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void readsEveryDurationInTheOneGrammarAndRefusesOthersNamingTheField() {
        Workload w = valid(MINIMAL + """
                  pollInterval: 1.5s
                  policy:
                    cooldown: "0"
                    scaleDownWindow: 1h30m
                    readyDelay: 2500ms
                """);
        assertThat(w.pollInterval()).isEqualTo(Duration.ofMillis(1500));
        assertThat(w.policy().cooldown()).isZero();
        assertThat(w.policy().scaleDownWindow()).isEqualTo(Duration.ofMinutes(90));
        assertThat(w.policy().readyDelay()).isEqualTo(Duration.ofMillis(2500));
        CatalogEntry bad = map(MINIMAL + """
                  policy:
                    cooldown: PT5M
                    drainWithin: " 30s"
                """);
        assertThat(bad).isInstanceOfSatisfying(CatalogEntry.Invalid.class, e -> assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "Invalid value 'PT5M' for spec.policy.cooldown: must be a duration such as 500ms, 30s, 5m or 1h30m",
                        "Invalid value ' 30s' for spec.policy.drainWithin: must be a duration such as 500ms, 30s, 5m or 1h30m"));
    }

    @Test
    void boundsComeFromThePolicysDeclarationPrefixedWithTheResourcePath() {
        CatalogEntry bad = map(MINIMAL + """
                  policy:
                    cooldown: 25h
                    maxReplicas: 10001
                    scaleDownMaxStep: 0
                """);
        assertThat(bad).isInstanceOfSatisfying(CatalogEntry.Invalid.class, e -> assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "Invalid value 25h for spec.policy.cooldown: must be <= 24h",
                        "Invalid value 10001 for spec.policy.maxReplicas: must be <= 10000",
                        "Invalid value 0 for spec.policy.scaleDownMaxStep: must be >= 1"));
    }

    private static Workload valid(String yaml) {
        CatalogEntry entry = map(yaml);
        assertThat(entry).isInstanceOf(CatalogEntry.Valid.class);
        return ((CatalogEntry.Valid) entry).workload();
    }

    private static CatalogEntry map(String yaml) {
        return WorkloadSpecMapper.map(Serialization.unmarshal(yaml, ScaledWorkload.class));
    }
}
