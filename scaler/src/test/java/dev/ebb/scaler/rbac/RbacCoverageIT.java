package dev.ebb.scaler.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The other half of "RBAC sufficient and minimal": each verb × resource that deploy/rbac grants the scaler was used
 * by some request the scaler made in the end-to-end tests (recorded by {@link RbacRecorder}). Runs last
 * (junit-platform.properties orders classes by {@link Order}); in a partial run without the recording tests it is
 * skipped, saying so.
 */
@Order(Integer.MAX_VALUE)
class RbacCoverageIT {

    /** The tests whose scaler requests are recorded; all must have run for "unused" to mean anything. */
    static final Set<String> RECORDING_TESTS = Set.of("dev.ebb.scaler.k8s.KubernetesScalerIT",
            "dev.ebb.scaler.k8s.KubernetesWorkloadCatalogIT");

    /**
     * Rules granted for code paths the recording tests do not reach. Each needs its reason; keep this tiny. A unit here
     * that a test does use fails the test too (the exemption is stale).
     */
    static final Map<String, String> EXEMPT = Map.of(
            // KubernetesScaleTarget watches and patches a StatefulSet exactly as a Deployment (one entry of its kind
            // table; KubernetesScaleTargetTest covers the StatefulSet row against the mock); the end-to-end tests
            // that record requests scale Deployments only.
            "list apps/statefulsets", "same informer as deployments; no recorded end-to-end test scales a StatefulSet",
            "watch apps/statefulsets", "same informer as deployments; no recorded end-to-end test scales a StatefulSet",
            "patch apps/statefulsets/scale", "same path as deployments/scale; no recorded end-to-end test scales a "
                    + "StatefulSet");

    @Test
    void everyGrantedVerbAndResourceIsUsedByTheScaler() throws IOException {
        Set<String> ran = RbacRecorder.sources();
        assumeTrue(ran.containsAll(RECORDING_TESTS), "needs " + RECORDING_TESTS + " to run first in this JVM; ran: "
                + ran);
        Map<String, String> used = new TreeMap<>(RbacRecorder.used());
        Path report = Path.of("target", "rbac-used.txt");
        Files.createDirectories(report.getParent());
        StringBuilder sb = new StringBuilder();
        used.forEach((unit, example) -> sb.append(unit).append("\t").append(example).append('\n'));
        Files.writeString(report, sb.toString());

        Set<String> granted = RbacPolicy.shipped().units();
        Set<String> unused = new TreeSet<>(granted);
        unused.removeAll(used.keySet());
        unused.removeAll(EXEMPT.keySet());
        assertThat(unused).as("granted by deploy/rbac but used by no request of the scaler (remove the verb, or "
                + "exempt it here with a reason); used: " + used.keySet()).isEmpty();
        assertThat(EXEMPT.keySet()).as("exemptions must name granted rules that no test reaches")
                .allMatch(granted::contains).noneMatch(used::containsKey);
    }
}
