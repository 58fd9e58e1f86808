package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.crd.ScaledWorkloadCrd;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.KafkaClientMapper;
import dev.ebb.scaler.workload.spec.KafkaAuthentication;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.SaslAuthentication;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import dev.ebb.scaler.workload.spec.SecretRefSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Secret name a tenant writes goes into a request path ({@code /api/v1/namespaces/<ns>/secrets/<name>}): every
 * field that names a Secret is refused unless the name is a DNS-1123 subdomain, by the CRD schema (the API server) and
 * again by the scaler (for whatever reached it another way), before any request is made.
 */
class HostileSecretNameTest {

    private static JSONSchemaProps root;

    static final List<String> FIELDS = List.of("spec.kafka.securitySecretRef",
            "spec.kafka.authentication.sasl.secretRef", "spec.kafka.authentication.tls.caSecretRef",
            "spec.kafka.authentication.tls.clientSecretRef");

    static final List<String> HOSTILE = List.of("../kube-system/secrets/admin", "a/b", "x?watch=true", "a#b",
            "%2e%2e", "Kafka-User", "kafka user", "kafka\nINFO forged line", "", "-kafka", "kafka-", "a..b",
            "a".repeat(254));

    @BeforeAll
    static void generate(@TempDir Path dir) throws Exception {
        CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(ScaledWorkloadCrd.generate(dir)),
                CustomResourceDefinition.class);
        root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    }

    static Stream<Arguments> hostile() {
        return FIELDS.stream().flatMap(f -> HOSTILE.stream().map(n -> Arguments.of(f, n)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("hostile")
    void theSchemaRefusesAHostileSecretName(String field, String name) {
        assertThat(schemaErrors(field, name)).as("schema errors").anySatisfy(e ->
                assertThat(e).startsWith("." + field + ".name:"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("hostile")
    void theScalerRefusesAHostileSecretNameNamingFieldValueAndRule(String field, String name) {
        assertThat(KafkaClientMapper.secretNameProblem(field, name)).hasValueSatisfying(p -> {
            assertThat(p).startsWith("Invalid value '").contains("for " + field + ".name: must be a DNS-1123 "
                    + "subdomain");
            assertThat(p.chars().noneMatch(c -> c < 0x20)).as("no raw control character: " + p).isTrue();
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fields")
    void bothAcceptRealSecretNames(String field) {
        for (String name : List.of("kafka-user", "my-cluster-cluster-ca-cert", "a.b-c", "a".repeat(253))) {
            // Other fields of the layout (e.g. sasl.mechanism) are left out: only the name's verdict counts here.
            assertThat(schemaErrors(field, name)).as(name).noneMatch(e -> e.startsWith("." + field + ".name"));
            assertThat(KafkaClientMapper.secretNameProblem(field, name)).as(name).isEmpty();
        }
    }

    static Stream<String> fields() {
        return FIELDS.stream();
    }

    /** Through the catalog: the workload is invalid with the condition's message, and no Secret is asked for. */
    @Test
    void theCatalogRefusesTheWorkloadWithoutRequestingTheSecret() throws Exception {
        RecordingApiServer api = new RecordingApiServer().start();
        try (KubernetesClient client = api.server().createClient();
             KubernetesWorkloadCatalog catalog = new KubernetesWorkloadCatalog(client, "shop",
                     Duration.ofMinutes(1), Clock.systemUTC())) {
            // The mock API server applies no schema: this is what reaches a scaler past an older CRD.
            client.resources(ScaledWorkload.class).inNamespace("shop").resource(workload("../admin")).create();
            catalog.start();
            CatalogEntry entry = awaitEntry(catalog);

            assertThat(entry).isInstanceOfSatisfying(CatalogEntry.Invalid.class, bad -> assertThat(bad.problems())
                    .containsExactly("Invalid value '../admin' for spec.kafka.authentication.sasl.secretRef.name: "
                            + "must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.'), at most 253 "
                            + "characters"));
            assertThat(api.requests()).noneMatch(r -> r.path().contains("/secrets"));
        } finally {
            api.stop();
        }
    }

    private static CatalogEntry awaitEntry(KubernetesWorkloadCatalog catalog) throws InterruptedException {
        for (int i = 0; i < 600 && catalog.entries().isEmpty(); i++) {
            Thread.sleep(50);
        }
        assertThat(catalog.entries()).as("the catalog's first snapshot").hasSize(1);
        return catalog.entries().get(0);
    }

    private static ScaledWorkload workload(String secret) {
        ScaledWorkload sw = new ScaledWorkload();
        sw.setMetadata(new ObjectMetaBuilder().withName("orders").withNamespace("shop").build());
        ScaledWorkloadSpec spec = new ScaledWorkloadSpec();
        spec.setScaleTargetRef(new ScaleTargetRefSpec("apps/v1", "Deployment", "orders-fn"));
        KafkaSpec kafka = new KafkaSpec();
        kafka.setBootstrapServers("kafka:9092");
        kafka.setConsumerGroup("orders");
        KafkaAuthentication auth = new KafkaAuthentication();
        SaslAuthentication sasl = new SaslAuthentication();
        sasl.setSecretRef(new SecretRefSpec(secret));
        auth.setSasl(sasl);
        kafka.setAuthentication(auth);
        spec.setKafka(kafka);
        sw.setSpec(spec);
        return sw;
    }

    /** The schema's verdict on a ScaledWorkload whose {@code field} names the Secret {@code name}. */
    @SuppressWarnings("unchecked")
    private static List<String> schemaErrors(String field, String name) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", ScaledWorkload.API_VERSION);
        object.put("kind", "ScaledWorkload");
        object.put("metadata", new LinkedHashMap<>(Map.of("name", "w", "namespace", "shop")));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("scaleTargetRef", new LinkedHashMap<>(Map.of("name", "fn")));
        Map<String, Object> kafka = new LinkedHashMap<>(Map.of("bootstrapServers", "k:9092", "consumerGroup", "g"));
        spec.put("kafka", kafka);
        object.put("spec", spec);
        Map<String, Object> at = kafka;
        String[] path = field.substring("spec.kafka.".length()).split("\\.");
        for (int i = 0; i < path.length; i++) {
            Map<String, Object> next = new LinkedHashMap<>();
            at.put(path[i], next);
            at = next;
        }
        at.put("name", name);
        CrdValidationTest.applyDefaults(root, object);
        List<String> errors = new ArrayList<>();
        CrdValidationTest.validate(root, object, "", errors);
        return errors;
    }
}
