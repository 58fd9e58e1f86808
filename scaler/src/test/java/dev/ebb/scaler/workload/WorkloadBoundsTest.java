package dev.ebb.scaler.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.workload.spec.ScaledWorkload;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Values at the edge are refused where the spec enters, naming field, value and bound, never overflowing later. */
class WorkloadBoundsTest {

    private static CatalogEntry map(String spec) {
        return WorkloadSpecMapper.map(Serialization.unmarshal("""
                apiVersion: ebb.dev/v1alpha1
                kind: ScaledWorkload
                metadata: {name: w, namespace: shop}
                spec:
                  scaleTargetRef: {name: fn}
                  kafka: {bootstrapServers: k:9092, consumerGroup: g}
                """ + spec.lines().map(l -> "  " + l.trim() + "\n").reduce("", String::concat),
                ScaledWorkload.class));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "policy: {drainWithin: 3000000h}     | Invalid value 3000000h for spec.policy.drainWithin: must be <= 24h",
        "policy: {cooldown: 25h}             | Invalid value 25h for spec.policy.cooldown: must be <= 24h",
        "policy: {scaleDownWindow: 1441m}    | Invalid value 1441m for spec.policy.scaleDownWindow: must be <= 24h",
        "policy: {maxTimeLag: 86400001ms}    | Invalid value 86400001ms for spec.policy.maxTimeLag: must be <= 24h",
        "policy: {staleAfter: 99999999999999999999h} | Invalid value '99999999999999999999h' for spec.policy.staleAfter: must be at most",
        "pollInterval: 2h                    | Invalid value 2h for spec.pollInterval: must be <= 1h",
        "policy: {maxReplicas: 2147483647}   | Invalid value 2147483647 for spec.policy.maxReplicas: must be <= 10000",
        "policy: {scaleUpMaxStep: 10001}     | Invalid value 10001 for spec.policy.scaleUpMaxStep: must be <= 10000",
        "policy: {fallback: {replicas: 20000}} | Invalid value 20000 for spec.policy.fallback.replicas: must be <= 10000",
    })
    void refusesValuesBeyondTheirBound(String spec, String message) {
        assertThat(map(spec)).isInstanceOfSatisfying(CatalogEntry.Invalid.class,
                bad -> assertThat(String.join("; ", bad.problems())).contains(message.trim()));
    }

    @Test
    void acceptsTheBoundsThemselves() {
        CatalogEntry e = map("policy: {drainWithin: 24h, cooldown: 1440m, maxReplicas: 10000}\npollInterval: 1h\n");
        assertThat(e).isInstanceOf(CatalogEntry.Valid.class);
        Workload w = ((CatalogEntry.Valid) e).workload();
        assertThat(w.policy().drainWithin()).isEqualTo(Duration.ofHours(24));
        assertThat(w.policy().maxReplicas()).isEqualTo(10_000);
        assertThat(w.pollInterval()).isEqualTo(Duration.ofHours(1));
    }
}
