package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.WorkloadId;
import dev.ebb.scaler.workload.WorkloadSpecMapper;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Everything a tenant writes in {@code spec.scaleTargetRef} is hostile: a corpus of references that would escape the
 * workload's namespace, or break a request path, is refused where the spec enters, with a message naming the field,
 * the value and the rule. (Cluster-scoped kinds pass these syntax rules and are refused by discovery: see
 * KubernetesScaleTargetTest and TenantIsolationIT.)
 */
class HostileScaleTargetRefTest {

    /** One hostile reference and the field that must be named. */
    record Hostile(String name, String apiVersion, String kind, String targetName, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String LONG = "a".repeat(300);

    static Stream<Hostile> corpus() {
        return Stream.of(
                new Hostile("apiVersion with a path to kube-system and a fragment", "apps/v1/namespaces/kube-system/"
                        + "deployments/coredns/scale#", "Deployment", "x", "apiVersion"),
                new Hostile("apiVersion with a query", "apps/v1?dryRun=All", "Deployment", "x", "apiVersion"),
                new Hostile("apiVersion with dot-dot", "../v1", "Deployment", "x", "apiVersion"),
                new Hostile("apiVersion percent-encoded slash", "apps%2Fv1", "Deployment", "x", "apiVersion"),
                new Hostile("apiVersion with a space", "apps/v1 ", "Deployment", "x", "apiVersion"),
                new Hostile("apiVersion empty", "", "Deployment", "x", "apiVersion"),
                new Hostile("apiVersion very long", LONG + "/v1", "Deployment", "x", "apiVersion"),
                new Hostile("apiVersion with an uppercase group", "Apps/v1", "Deployment", "x", "apiVersion"),
                new Hostile("version that is not a version", "apps/latest", "Deployment", "x", "apiVersion"),
                new Hostile("kind with a slash", "apps/v1", "Deployment/../../x", "x", "kind"),
                new Hostile("kind with a space", "apps/v1", "Deploy ment", "x", "kind"),
                new Hostile("kind with a fragment", "apps/v1", "Deployment#", "x", "kind"),
                new Hostile("kind empty", "apps/v1", "", "x", "kind"),
                new Hostile("kind very long", "apps/v1", "D" + LONG, "x", "kind"),
                new Hostile("name slash", "apps/v1", "Deployment", "/", "name"),
                new Hostile("name dot-dot", "apps/v1", "Deployment", "..", "name"),
                new Hostile("name another namespace's path", "apps/v1", "Deployment",
                        "../../kube-system/deployments/coredns", "name"),
                new Hostile("name namespace/name", "apps/v1", "Deployment", "kube-system/coredns", "name"),
                new Hostile("name with a fragment", "apps/v1", "Deployment", "coredns#", "name"),
                new Hostile("name with a query", "apps/v1", "Deployment", "coredns?x=1", "name"),
                new Hostile("name percent-encoded slash", "apps/v1", "Deployment", "kube-system%2Fcoredns", "name"),
                new Hostile("name with a space", "apps/v1", "Deployment", "orders fn", "name"),
                new Hostile("name with a newline", "apps/v1", "Deployment", "orders\nINFO forged", "name"),
                new Hostile("name empty", "apps/v1", "Deployment", "", "name"),
                new Hostile("name of 300 characters", "apps/v1", "Deployment", LONG, "name"),
                new Hostile("name in uppercase", "apps/v1", "Deployment", "Orders", "name"),
                new Hostile("name starting with a dash", "apps/v1", "Deployment", "-orders", "name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void refusesTheReferenceNamingFieldValueAndRule(Hostile h) {
        CatalogEntry entry = map(h.apiVersion(), h.kind(), h.targetName());

        assertThat(entry).isInstanceOf(CatalogEntry.Invalid.class);
        List<String> problems = ((CatalogEntry.Invalid) entry).problems();
        assertThat(problems).anySatisfy(p -> {
            assertThat(p).startsWith("Invalid value ");
            assertThat(p).contains(" for spec.scaleTargetRef." + h.field() + ": must ");
            String value = switch (h.field()) {
                case "apiVersion" -> h.apiVersion();
                case "kind" -> h.kind();
                default -> h.targetName();
            };
            if (value.length() <= 80 && value.chars().noneMatch(c -> c < 0x20)) {
                assertThat(p).contains("'" + value + "'");
            }
            // No raw control character reaches a message (and so a log line or a condition).
            assertThat(p.chars().noneMatch(c -> c < 0x20)).isTrue();
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void acceptsWhatKubernetesAccepts(String apiVersion, String kind, String name) {
        assertThat(map(apiVersion, kind, name)).isInstanceOf(CatalogEntry.Valid.class);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> valid() {
        return Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("apps/v1", "Deployment", "orders-fn"),
                org.junit.jupiter.params.provider.Arguments.of("apps/v1", "StatefulSet", "orders.fn-0"),
                org.junit.jupiter.params.provider.Arguments.of("v1", "ReplicationController", "rc"),
                org.junit.jupiter.params.provider.Arguments.of("example.com/v2beta1", "FunctionPool", "a"),
                org.junit.jupiter.params.provider.Arguments.of("apps/v1", "Deployment", "a".repeat(253)));
    }

    private static CatalogEntry map(String apiVersion, String kind, String name) {
        ScaledWorkloadSpec spec = new ScaledWorkloadSpec();
        spec.setScaleTargetRef(new ScaleTargetRefSpec(apiVersion, kind, name));
        KafkaSpec kafka = new KafkaSpec();
        kafka.setBootstrapServers("localhost:9092");
        kafka.setConsumerGroup("g");
        spec.setKafka(kafka);
        return WorkloadSpecMapper.map(new WorkloadId("team-a", "sw"), spec, Map.of(), "", Map.of());
    }
}
