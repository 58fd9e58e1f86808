package dev.ebb.bench.sim;

import java.util.List;
import java.util.Locale;

/**
 * Every KEDA and HPA knob the model honours, with their defaults in {@link #defaults(long)}.
 *
 * @param name row name in tables
 * @param lagThreshold the Kafka trigger's {@code lagThreshold}: target lag per replica (AverageValue)
 * @param activationLagThreshold the trigger's {@code activationLagThreshold}: active when lag is above it (0)
 * @param pollingInterval the ScaledObject's {@code pollingInterval}: KEDA's operator loop, activation and 1 -> 0 (30 s)
 * @param cooldownPeriod the ScaledObject's {@code cooldownPeriod}: inactive this long before 1 -> 0 (300 s)
 * @param useCachedMetrics the trigger's {@code useCachedMetrics}: the HPA reads the value of KEDA's last poll instead
 *                         of a fresh one (false)
 * @param hpaSyncPeriod the HPA controller's {@code --horizontal-pod-autoscaler-sync-period} (15 s)
 * @param tolerance the HPA's {@code --horizontal-pod-autoscaler-tolerance} (0.1)
 * @param scaleUp {@code behavior.scaleUp}: window 0, policies 100 % and 4 pods per 15 s, select Max
 * @param scaleDown {@code behavior.scaleDown}: window 300 s, policy 100 % per 15 s, select Max
 */
record KedaSettings(String name, long lagThreshold, long activationLagThreshold, double pollingInterval,
                    double cooldownPeriod, boolean useCachedMetrics, double hpaSyncPeriod, double tolerance,
                    Rules scaleUp, Rules scaleDown) {

    /** One HPA scaling policy: {@code type} Pods or Percent, {@code value}, per {@code periodSeconds}. */
    record Policy(Type type, int value, double periodSeconds) {
        enum Type { PODS, PERCENT }
    }

    /** HPA {@code behavior.scaleUp} or {@code scaleDown}: stabilization window, policies and how they combine. */
    record Rules(double stabilizationWindow, List<Policy> policies, Select select) {
        enum Select { MAX, MIN, DISABLED }
    }

    static KedaSettings defaults(long lagThreshold) {
        return new KedaSettings("keda-hpa", lagThreshold, 0, 30, 300, false, 15, 0.1,
                new Rules(0, List.of(new Policy(Policy.Type.PERCENT, 100, 15), new Policy(Policy.Type.PODS, 4, 15)),
                        Rules.Select.MAX),
                new Rules(300, List.of(new Policy(Policy.Type.PERCENT, 100, 15)), Rules.Select.MAX));
    }

    KedaSettings named(String newName) {
        return new KedaSettings(newName, lagThreshold, activationLagThreshold, pollingInterval, cooldownPeriod,
                useCachedMetrics, hpaSyncPeriod, tolerance, scaleUp, scaleDown);
    }

    /** The three knobs the {@code keda-tuned} sweep varies. */
    KedaSettings tuned(long threshold, double polling, double downWindow) {
        return new KedaSettings(name, threshold, activationLagThreshold, polling, cooldownPeriod, useCachedMetrics,
                hpaSyncPeriod, tolerance, scaleUp, new Rules(downWindow, scaleDown.policies(), scaleDown.select()));
    }

    /** {@code lagThreshold 5000, pollingInterval 15s, scaleDown window 60s}. */
    String knobs() {
        return String.format(Locale.ROOT, "lagThreshold %d, pollingInterval %ss, scale-down window %ss", lagThreshold,
                Goals.fmt(pollingInterval).replace(".0", ""), Goals.fmt(scaleDown.stabilizationWindow()).replace(".0", ""));
    }
}
