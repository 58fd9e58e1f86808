package dev.ebb.bench.sim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

/**
 * KEDA's Kafka scaler feeding the Kubernetes HPA — our own model, written from KEDA's documented behaviour and source
 * ({@code pkg/scaling/scale_handler.go}, {@code pkg/scalers/kafka_scaler.go}) and the HPA's
 * ({@code pkg/controller/podautoscaler/horizontal.go}, {@code replica_calculator.go}). Every knob is in
 * {@link KedaSettings}:
 * <ul>
 *   <li>KEDA's operator loop every {@code pollingInterval}: active when the lag exceeds
 *       {@code activationLagThreshold}; activates 0 -> 1 (KEDA's own write, outside the HPA's scale-up budget);
 *       scales to 0 when inactive for {@code cooldownPeriod}. It also caches the metric for {@code useCachedMetrics};</li>
 *   <li>the metric: lag = sum over partitions of end - committed; unless {@code allowIdleConsumers}, KEDA clamps it to
 *       {@code partitions x lagThreshold} when {@code lag / lagThreshold} (integer division) exceeds the partitions;</li>
 *   <li>the HPA every {@code hpaSyncPeriod}, target AverageValue: {@code ceil(metric / lagThreshold)}, unchanged while
 *       {@code |metric / (lagThreshold x current) - 1| <= tolerance}; min 1 while active; disabled at 0 replicas;</li>
 *   <li>HPA behavior: the scale-up recommendation is the lowest of the up window, the scale-down one the highest of
 *       the down window (as {@code stabilizeRecommendationWithBehaviors}); then the rate limits of the policies over
 *       their periods, counted from the HPA's own scale events (as {@code calculateScaleUpLimitWithScalingRules}).</li>
 * </ul>
 * Phases: KEDA's loop and the HPA's sync start at offsets drawn per run from the seed (uniform within their periods),
 * as Ebb's poll does; tests can fix them.
 */
final class KedaHpaController implements Controller {

    /** KEDA's default lagThreshold, for the reference that shows what the untuned default does. */
    static final long DEFAULT_LAG_THRESHOLD = 10;

    private final KedaSettings k;
    private final int maxReplicas;
    private final int pollSteps;
    private final int syncSteps;
    private final int pollPhase;
    private final int syncPhase;
    private final Deque<double[]> recommendations = new ArrayDeque<>(); // {time, replicas}
    private final Deque<double[]> events = new ArrayDeque<>();          // {time, +added or -removed} by the HPA
    private double lastActive = Double.NEGATIVE_INFINITY;
    private long cachedLag = -1;
    private int desired = -1;

    KedaHpaController(SimSettings settings) {
        this(KedaSettings.defaults(settings.kedaLagThreshold()), settings);
    }

    KedaHpaController(String name, long lagThreshold, SimSettings settings) {
        this(KedaSettings.defaults(lagThreshold).named(name), settings);
    }

    /** Phases drawn from the run's seed and the row's name. */
    KedaHpaController(KedaSettings k, SimSettings settings) {
        this(k, settings, phases(k, settings)[0], phases(k, settings)[1]);
    }

    /** Fixed phases (seconds after 0) of KEDA's first loop and the HPA's first sync. */
    KedaHpaController(KedaSettings k, SimSettings settings, double pollPhaseSeconds, double syncPhaseSeconds) {
        this.k = k;
        this.maxReplicas = settings.maxReplicas();
        double dt = settings.stepSeconds();
        this.pollSteps = Math.max(1, (int) Math.round(k.pollingInterval() / dt));
        this.syncSteps = Math.max(1, (int) Math.round(k.hpaSyncPeriod() / dt));
        this.pollPhase = Math.floorMod((int) Math.round(pollPhaseSeconds / dt), pollSteps);
        this.syncPhase = Math.floorMod((int) Math.round(syncPhaseSeconds / dt), syncSteps);
    }

    private static double[] phases(KedaSettings k, SimSettings settings) {
        SplittableRandom random = new SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L + 0x4B454441L);
        return new double[] {random.nextDouble() * k.pollingInterval(), random.nextDouble() * k.hpaSyncPeriod()};
    }

    @Override
    public String name() {
        return k.name();
    }

    @Override
    public void onStep(GroupModel model) {
        int step = model.step();
        double now = model.now();
        if (desired < 0) {
            desired = model.replicas();
            lastActive = now;
        }
        if (step % pollSteps == pollPhase) {
            operatorLoop(model, now);
        }
        if (step % syncSteps == syncPhase && desired > 0) {
            hpaSync(model, now);
        }
    }

    private void operatorLoop(GroupModel model, double now) {
        long lag = lag(model);
        cachedLag = lag;
        if (lag > k.activationLagThreshold()) {
            lastActive = now;
            if (desired == 0) {
                desired = 1; // KEDA's own write: not an HPA scale event
                model.requestReplicas(1);
            }
        } else if (desired > 0 && now - lastActive >= k.cooldownPeriod()) {
            desired = 0;
            model.requestReplicas(0);
            recommendations.clear();
            events.clear();
        }
    }

    private void hpaSync(GroupModel model, double now) {
        int current = desired;
        long lag = k.useCachedMetrics() && cachedLag >= 0 ? cachedLag : lag(model);
        if (lag / k.lagThreshold() > model.partitions()) {
            lag = (long) model.partitions() * k.lagThreshold();
        }
        double ratio = lag / ((double) k.lagThreshold() * current);
        int recommendation = Math.abs(ratio - 1) <= k.tolerance() ? current
                : (int) Math.ceil((double) lag / k.lagThreshold());
        recommendation = Math.max(1, Math.min(maxReplicas, recommendation));

        // stabilizeRecommendationWithBehaviors
        double keep = Math.max(k.scaleUp().stabilizationWindow(), k.scaleDown().stabilizationWindow());
        while (!recommendations.isEmpty() && recommendations.peekFirst()[0] < now - keep - 1e-9) {
            recommendations.removeFirst();
        }
        int up = recommendation;
        int down = recommendation;
        for (double[] r : recommendations) {
            // as the HPA: recommendations strictly after the cutoff
            if (r[0] > now - k.scaleUp().stabilizationWindow() + 1e-9) {
                up = Math.min(up, (int) r[1]);
            }
            if (r[0] > now - k.scaleDown().stabilizationWindow() + 1e-9) {
                down = Math.max(down, (int) r[1]);
            }
        }
        recommendations.addLast(new double[] {now, recommendation});
        int next = current;
        if (next < up) {
            next = up;
        }
        if (next > down) {
            next = down;
        }
        // convertDesiredReplicasWithBehaviorRate
        if (next > current) {
            if (k.scaleUp().select() == KedaSettings.Rules.Select.DISABLED) {
                next = current;
            } else {
                next = Math.min(next, Math.min(maxReplicas, limit(now, current, k.scaleUp(), true)));
            }
        } else if (next < current) {
            if (k.scaleDown().select() == KedaSettings.Rules.Select.DISABLED) {
                next = current;
            } else {
                next = Math.max(next, Math.max(1, limit(now, current, k.scaleDown(), false)));
            }
        }
        if (next != current) {
            events.addLast(new double[] {now, next - current});
            desired = next;
            model.requestReplicas(next);
        }
    }

    /** The HPA's rate limit: each policy's bound from the count at the start of its period; Max picks the one that
     *  allows the larger change, Min the smaller. */
    private int limit(double now, int current, KedaSettings.Rules rules, boolean up) {
        Integer chosen = null;
        for (KedaSettings.Policy p : rules.policies()) {
            int added = 0;
            int removed = 0;
            for (double[] e : events) {
                if (e[0] > now - p.periodSeconds() + 1e-9) { // events strictly after the cutoff, as the HPA
                    if (e[1] > 0) {
                        added += (int) e[1];
                    } else {
                        removed -= (int) e[1];
                    }
                }
            }
            int bound;
            if (up) {
                int start = current - added + removed;
                bound = p.type() == KedaSettings.Policy.Type.PODS ? start + p.value()
                        : (int) Math.ceil(start * (1 + p.value() / 100.0));
            } else {
                int start = current + removed - added;
                bound = p.type() == KedaSettings.Policy.Type.PODS ? start - p.value()
                        : (int) (start * (1 - p.value() / 100.0));
            }
            boolean moreChange = up ? bound > (chosen == null ? Integer.MIN_VALUE : chosen)
                    : bound < (chosen == null ? Integer.MAX_VALUE : chosen);
            if (chosen == null || (rules.select() == KedaSettings.Rules.Select.MAX) == moreChange) {
                chosen = bound;
            }
        }
        if (chosen == null) {
            return up ? Integer.MAX_VALUE : 0;
        }
        return chosen;
    }

    /** KEDA's lag: end - committed per partition (every partition has a commit in the model). */
    private static long lag(GroupModel model) {
        long sum = 0;
        for (int p = 0; p < model.partitions(); p++) {
            sum += Math.max(0, model.endOffset(p) - model.committedOffset(p));
        }
        return sum;
    }

    int desired() {
        return desired;
    }
}
