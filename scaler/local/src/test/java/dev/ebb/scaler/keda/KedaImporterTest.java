package dev.ebb.scaler.keda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.local.ScaledWorkloadFile;
import dev.ebb.scaler.policy.FallbackBehavior;
import dev.ebb.scaler.policy.Mode;
import dev.ebb.scaler.policy.OffsetResetPolicy;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.reconcile.Pause;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.Workload;
import dev.ebb.scaler.workload.WorkloadId;
import dev.ebb.scaler.workload.WorkloadSpecMapper;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.SaslAuthentication;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.TlsAuthentication;
import dev.ebb.testkit.TestCertificates;
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
        assertThat(orders.workload().getSpec().getKafka().getAuthentication())
                .as("without the modes neither layout can be chosen").isNull();
        assertThat(orders.workload().getSpec().getKafka().getConfig()).isNull();
    }

    @Test
    void mapsTriggerAuthenticationSecretRefsOntoTheAuthenticationLayoutsWithoutReadingAnySecret() {
        KedaImporter.Imported orders = only(convert(new KedaImporter.Overrides("scram_sha512", "enable"),
                "orders-sasl.yaml"), "orders-consumer");

        KafkaSpec kafka = orders.workload().getSpec().getKafka();
        assertThat(kafka.getSecuritySecretRef()).as("no hand-built client Secret any more").isNull();
        assertThat(kafka.getConfig()).as("the layouts set the protocol and mechanism").isNull();
        SaslAuthentication sasl = kafka.getAuthentication().getSasl();
        assertThat(sasl.getMechanism()).isEqualTo("SCRAM-SHA-512");
        assertThat(sasl.getSecretRef().getName()).isEqualTo("keda-kafka-secrets");
        assertThat(sasl.getUsernameKey()).isEqualTo("username");
        assertThat(sasl.getPasswordKey()).isEqualTo("password");
        assertThat(sasl.getUsername()).isNull();
        TlsAuthentication tls = kafka.getAuthentication().getTls();
        assertThat(tls.getCaSecretRef().getName()).isEqualTo("keda-kafka-secrets");
        assertThat(tls.getCaKey()).isEqualTo("ca");
        assertThat(tls.getClientSecretRef()).isNull();
        assertThat(fields(orders.notCarried())).noneMatch(f -> f.contains("keda-trigger-auth-kafka-credential"));
        assertThat(orders.secretSteps()).singleElement().satisfies(step -> assertThat(step)
                .contains("grant the scaler 'get' on the Secret(s) keda-kafka-secrets in namespace shop"));
        // The test file carries the Secret itself: none of its values may be echoed.
        String everything = ImportKedaCommand.render(convert(new KedaImporter.Overrides("scram_sha512", "enable"),
                "orders-sasl.yaml"));
        assertThat(everything).doesNotContain("czNjcjN0LXBhc3N3b3Jk").doesNotContain("s3cr3t-password")
                .doesNotContain("b3JkZXJzLWFwcA==").doesNotContain("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t")
                .doesNotContain("create secret").doesNotContain("base64");
    }

    @Test
    void carriesMutualTlsAndNamesWhatTheLayoutsCannotCarry() {
        KedaImporter.Result r = convert(KedaImporter.Overrides.none(), "mtls-and-limits.yaml");

        KedaImporter.Imported ledger = only(r, "ledger");
        TlsAuthentication tls = ledger.workload().getSpec().getKafka().getAuthentication().getTls();
        assertThat(tls.getCaSecretRef().getName()).isEqualTo("my-cluster-cluster-ca-cert");
        assertThat(tls.getCaKey()).isEqualTo("ca.crt");
        assertThat(tls.getClientSecretRef().getName()).isEqualTo("ledger-user");
        assertThat(tls.getCertificateKey()).isEqualTo("user.crt");
        assertThat(tls.getKeyKey()).isEqualTo("user.key");
        assertThat(ledger.workload().getSpec().getKafka().getAuthentication().getSasl()).isNull();
        assertThat(fields(ledger.notCarried())).noneMatch(f -> f.contains("ledger-mtls"));

        KedaImporter.Imported audit = only(r, "audit");
        SaslAuthentication sasl = audit.workload().getSpec().getKafka().getAuthentication().getSasl();
        assertThat(sasl.getMechanism()).isEqualTo("PLAIN");
        assertThat(sasl.getSecretRef().getName()).isEqualTo("audit-password");
        assertThat(sasl.getPasswordKey()).isEqualTo("value");
        assertThat(sasl.getUsernameKey()).as("both keys are 'value': the username needs another key")
                .isEqualTo("username");
        assertThat(audit.notCarried()).anySatisfy(n -> {
            assertThat(n.field()).isEqualTo("TriggerAuthentication audit-split spec.secretTargetRef[0]");
            assertThat(n.message()).contains("username is in Secret audit-user and the password in Secret "
                    + "audit-password").contains("reads both from one Secret").contains("copy key value of audit-user "
                    + "into audit-password as key username");
        });
        TlsAuthentication auditTls = audit.workload().getSpec().getKafka().getAuthentication().getTls();
        assertThat(auditTls.getClientSecretRef()).isNull();
        assertThat(auditTls.getCaSecretRef()).isNull();
        assertThat(audit.remarks()).anySatisfy(n -> assertThat(n.message()).contains("JVM's default trust"));
        assertThat(audit.notCarried()).anySatisfy(n -> {
            assertThat(n.field()).isEqualTo("TriggerAuthentication audit-split spec.secretTargetRef[2]");
            assertThat(n.message()).contains("certificate is in Secret audit-cert and the key in Secret audit-key");
        });
        assertThat(audit.notCarried()).anySatisfy(n -> {
            assertThat(n.field()).isEqualTo("TriggerAuthentication audit-split spec.secretTargetRef[4]");
            assertThat(n.message()).contains("'keyPassword'").contains("unencrypted PKCS#8");
        });

        KedaImporter.Imported reports = only(r, "reports");
        assertThat(reports.workload().getSpec().getKafka().getAuthentication()).isNull();
        assertThat(reports.workload().getSpec().getKafka().getConfig()).isNull();
        assertThat(reports.notCarried()).anySatisfy(n -> {
            assertThat(n.field()).isEqualTo("spec.triggers[0].metadata.sasl");
            assertThat(n.message()).contains("'gssapi' not carried").contains("allow-list refuses GSSAPI");
        });
        assertThat(reports.notCarried()).anySatisfy(n -> {
            assertThat(n.field()).isEqualTo("TriggerAuthentication kerberos spec.secretTargetRef[1]");
            assertThat(n.message()).contains("'keytab'").contains("allow-list");
        });
        assertThat(reports.secretSteps()).isEmpty();
    }

    @Test
    void readsModesFromTriggerMetadataAndClusterTriggerAuthenticationsFromKedasNamespace() {
        KedaImporter.Result r = convert(KedaImporter.Overrides.none(), "payments-inline.yaml");

        KedaImporter.Imported payments = only(r, "payments");
        KafkaSpec kafka = payments.workload().getSpec().getKafka();
        SaslAuthentication sasl = kafka.getAuthentication().getSasl();
        assertThat(sasl.getMechanism()).isEqualTo("SCRAM-SHA-256");
        assertThat(sasl.getSecretRef().getName()).isEqualTo("payments-kafka");
        assertThat(sasl.getUsernameKey()).isEqualTo("user");
        assertThat(sasl.getPasswordKey()).isEqualTo("password");
        assertThat(kafka.getAuthentication().getTls().getCaSecretRef().getName()).isEqualTo("payments-kafka");
        assertThat(kafka.getAuthentication().getTls().getCaKey()).isEqualTo("ca.crt");
        assertThat(String.join("\n", payments.secretSteps()))
                .contains("KEDA reads these Secrets in namespace keda")
                .contains("kubectl -n keda get secret payments-kafka -o json | jq")
                .contains("| kubectl -n billing apply -f -")
                .contains("'get' on the Secret(s) payments-kafka in namespace billing");
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

    /** The scaler's own mapper, given the Secrets the workload names (as the scaler reads them in-cluster). */
    private static CatalogEntry map(ScaledWorkload w, Map<String, Map<String, String>> secrets) {
        Map<String, String> annotations = w.getMetadata().getAnnotations();
        return WorkloadSpecMapper.mapWithSecrets(new WorkloadId(w.getMetadata().getNamespace(),
                w.getMetadata().getName()), w.getSpec(), secrets, "", annotations == null ? Map.of() : annotations);
    }

    private static Workload valid(CatalogEntry entry) {
        assertThat(entry).isInstanceOf(CatalogEntry.Valid.class);
        return ((CatalogEntry.Valid) entry).workload();
    }

    @Test
    void theOutputIsAcceptedByTheScalersOwnReaderAndMapper() {
        KedaImporter.Result r = convert(new KedaImporter.Overrides("scram_sha512", "enable"), "orders-sasl.yaml",
                "payments-inline.yaml", "mtls-and-limits.yaml");
        String yaml = ImportKedaCommand.render(r);
        TestCertificates certs = TestCertificates.generate("ledger");

        ScaledWorkloadFile.Parsed parsed = ScaledWorkloadFile.parse(yaml, "imported.yaml");

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.workloads()).extracting(w -> w.getMetadata().getName())
                .containsExactly("orders-consumer", "payments", "ledger", "audit", "reports");
        Workload w = valid(map(parsed.workloads().get(0), Map.of("keda-kafka-secrets", Map.of(
                "username", "orders-app", "password", "s3cr3t", "ca", certs.caCertificate()))));
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
        assertThat(w.clientConfig()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsEntry("ssl.truststore.type", "PEM");
        assertThat(String.valueOf(w.clientConfig().get("sasl.jaas.config"))).contains("ScramLoginModule required")
                .contains("username=\"orders-app\"");
        assertThat(w.pause()).isInstanceOf(Pause.HoldAt.class);

        Workload payments = valid(map(parsed.workloads().get(1), Map.of("payments-kafka", Map.of(
                "user", "payments-app", "password", "pw", "ca.crt", certs.caCertificate()))));
        assertThat(payments.pause()).isInstanceOf(Pause.Paused.class);
        assertThat(payments.clientConfig()).containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry("security.protocol", "SASL_SSL");

        Workload ledger = valid(map(parsed.workloads().get(2), Map.of(
                "my-cluster-cluster-ca-cert", Map.of("ca.crt", certs.caCertificate()),
                "ledger-user", Map.of("user.crt", certs.clientCertificate(), "user.key", certs.clientKey()))));
        assertThat(ledger.clientConfig()).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.keystore.type", "PEM").containsEntry("ssl.truststore.type", "PEM");

        Workload audit = valid(map(parsed.workloads().get(3), Map.of("audit-password", Map.of(
                "value", "pw", "username", "audit-app"))));
        assertThat(audit.clientConfig()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN");
        assertThat(valid(map(parsed.workloads().get(4), Map.of())).clientConfig())
                .doesNotContainKey("security.protocol");
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
