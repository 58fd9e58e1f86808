package dev.ebb.scaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.policy.Bounds.Why;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bound stage, a public pure function the simulator and the reconcile step share with the policy. */
class BoundsTest {

    @Test
    void capsAConsumerGroupAtItsPartitions() {
        PolicySpec spec = PolicySpec.builder().maxReplicas(40).build();

        assertThat(Bounds.partitionCap(spec, 8)).isEqualTo(8);
        assertThat(Bounds.bounded(spec, 8, 12)).isEqualTo(new Bounds.Bounded(8, Optional.of(Why.PARTITIONS)));
        assertThat(Bounds.top(spec, 8)).isEqualTo(8);
    }

    @Test
    void leavesShareGroupsUnknownPartitionsAndIdleConsumersUncapped() {
        PolicySpec share = PolicySpec.builder().maxReplicas(40).groupKind(GroupKind.SHARE).build();
        PolicySpec idleAllowed = PolicySpec.builder().mode(Mode.THRESHOLD).maxReplicas(40).allowIdleConsumers(true)
                .build();
        PolicySpec drainIgnoresIdleConsumers = PolicySpec.builder().mode(Mode.DRAIN).maxReplicas(40)
                .allowIdleConsumers(true).build();

        assertThat(Bounds.bound(share, 4, 12)).isEqualTo(12);
        assertThat(Bounds.bound(PolicySpec.builder().maxReplicas(40).build(), 0, 12)).isEqualTo(12);
        assertThat(Bounds.bound(idleAllowed, 4, 12)).isEqualTo(12);
        assertThat(Bounds.bound(drainIgnoresIdleConsumers, 4, 12)).isEqualTo(4);
    }

    @Test
    void minReplicasWinsOverThePartitionCapAndMaxReplicasLimits() {
        PolicySpec spec = PolicySpec.builder().minReplicas(6).maxReplicas(10).build();

        assertThat(Bounds.bounded(spec, 4, 2)).isEqualTo(new Bounds.Bounded(6, Optional.of(Why.MIN_REPLICAS)));
        assertThat(Bounds.bounded(spec, 32, 20)).isEqualTo(new Bounds.Bounded(10, Optional.of(Why.MAX_REPLICAS)));
        assertThat(Bounds.bounded(spec, 32, 7)).isEqualTo(new Bounds.Bounded(7, Optional.empty()));
    }

    @Test
    void anActiveWorkloadWithoutMinReplicasKeepsOneReplica() {
        PolicySpec spec = PolicySpec.builder().minReplicas(0).maxReplicas(10).build();

        assertThat(Bounds.bounded(spec, 8, 0)).isEqualTo(new Bounds.Bounded(1, Optional.of(Why.ACTIVE_FLOOR)));
    }
}
