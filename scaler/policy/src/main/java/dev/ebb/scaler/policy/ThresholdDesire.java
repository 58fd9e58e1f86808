package dev.ebb.scaler.policy;

import dev.ebb.scaler.policy.Desired.Cap;
import dev.ebb.scaler.policy.Desired.EvenFactor;
import dev.ebb.scaler.policy.Desired.Note;
import dev.ebb.scaler.policy.Desired.ThresholdBasis;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Threshold mode's desire, as KEDA's Kafka scaler and the HPA compute it: {@code ceil(lag / lagThreshold)} over KEDA's
 * lag ({@link KedaLag}), capped at the partitions (or the partitions with lag) unless idle consumers are allowed, and
 * rounded up to a factor of the partitions with {@code ensureEvenDistributionOfPartitions}.
 */
final class ThresholdDesire {
    private ThresholdDesire() {
    }

    /**
     * @param spec the group's kind (the mode's own settings come from {@code mode})
     * @param mode threshold mode's settings
     * @param e the estimate
     */
    static Desired of(PolicySpec spec, ModeSpec.Threshold mode, Estimate e) {
        KedaLag keda = e.keda();
        double need = (double) keda.lag() / mode.lagThreshold();
        int replicas = Numbers.ceil(need);
        Optional<Cap> cap = Optional.empty();
        if (spec.groupKind() == GroupKind.CONSUMER && (!mode.allowIdleConsumers() || mode.limitToPartitionsWithLag())) {
            int upper = keda.partitions();
            String what = "partitions";
            if (mode.limitToPartitionsWithLag() && keda.partitionsWithLag() > 0) {
                upper = keda.partitionsWithLag();
                what = "partitions with lag";
            }
            if (upper > 0 && replicas > upper) {
                replicas = upper;
                cap = Optional.of(new Cap(upper, what));
            }
        }
        List<Note> notes = new ArrayList<>();
        if (mode.ensureEvenDistributionOfPartitions() && keda.partitions() > 0) {
            int even = nextFactor(keda.partitions(), replicas);
            if (even != replicas) {
                notes.add(new EvenFactor(even, keda.partitions()));
            }
            replicas = even;
        }
        ThresholdBasis basis = new ThresholdBasis(keda.lag(), keda.lagWithPersistent(), keda.partitions(),
                mode.lagThreshold());
        return new Desired(replicas, need, cap, false, basis, notes);
    }

    /** The smallest factor of {@code partitions} that is at least {@code replicas}, as KEDA's even distribution. */
    static int nextFactor(int partitions, int replicas) {
        for (int f = Math.max(1, replicas); f < partitions; f++) {
            if (partitions % f == 0) {
                return f;
            }
        }
        return partitions;
    }
}
