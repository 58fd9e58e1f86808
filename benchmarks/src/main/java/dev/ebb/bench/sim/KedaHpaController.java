package dev.ebb.bench.sim;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * KEDA's Kafka scaler feeding the Kubernetes HPA, with both projects' defaults — our own model of them, written from
 * their documented behaviour and source:
 * <ul>
 *   <li>KEDA operator loop every {@code pollingInterval} (30 s): active when the lag exceeds
 *       {@code activationLagThreshold} (0); activates 0 -> 1; scales to 0 when inactive for {@code cooldownPeriod}
 *       (300 s);</li>
 *   <li>the metric: lag = sum over partitions of end - committed; unless {@code allowIdleConsumers}, KEDA clamps it to
 *       {@code partitions x lagThreshold} (so HPA never asks for more than one replica per partition);</li>
 *   <li>HPA sync every 15 s (KEDA's metrics server reads the lag fresh at each HPA query), target type AverageValue:
 *       {@code desired = ceil(metric / lagThreshold)}, unchanged within a 10 % tolerance of the current ratio;
 *       minReplicas 1 while active, maxReplicas = {@code maxReplicaCount};</li>
 *   <li>HPA behaviour defaults: scale-up immediately but at most max(+100 %, +4 pods) per 15 s; scale-down to the
 *       highest recommendation of the last 300 s (stabilization window), at most -100 % per 15 s.</li>
 * </ul>
 */
final class KedaHpaController implements Controller {

    private static final double POLLING_INTERVAL = 30;
    private static final double HPA_SYNC = 15;
    private static final double TOLERANCE = 0.10;
    private static final double STABILIZATION = 300;
    private static final double COOLDOWN = 300;
    private static final double SCALE_UP_PERIOD = 15;

    private final long lagThreshold;
    private final int maxReplicas;
    private final double dt;
    private final int pollSteps;
    private final int syncSteps;
    private final Deque<double[]> recommendations = new ArrayDeque<>(); // {time, replicas}
    private final Deque<double[]> scaleUps = new ArrayDeque<>();        // {time, added}
    private double lastActive = Double.NEGATIVE_INFINITY;
    private int desired = -1;

    /** KEDA's default lagThreshold, for the reference row that shows what the untuned default does. */
    static final long DEFAULT_LAG_THRESHOLD = 10;

    private final String name;

    KedaHpaController(SimSettings settings) {
        this("keda-hpa", settings.kedaLagThreshold(), settings);
    }

    KedaHpaController(String name, long lagThreshold, SimSettings settings) {
        this.name = name;
        this.lagThreshold = lagThreshold;
        this.maxReplicas = settings.maxReplicas();
        this.dt = settings.stepSeconds();
        this.pollSteps = (int) Math.round(POLLING_INTERVAL / dt);
        this.syncSteps = (int) Math.round(HPA_SYNC / dt);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void onStep(GroupModel model) {
        int step = model.step();
        double now = model.now();
        if (desired < 0) {
            desired = model.replicas();
            lastActive = now;
        }
        if (step % pollSteps == 0) {
            operatorLoop(model, now);
        }
        // HPA's first sync is offset from KEDA's loop: they are independent controllers
        if (step % syncSteps == syncSteps / 2 && desired > 0) {
            hpaSync(model, now);
        }
    }

    private void operatorLoop(GroupModel model, double now) {
        long lag = lag(model);
        if (lag > 0) {
            lastActive = now;
            if (desired == 0) {
                apply(model, now, 1);
            }
        } else if (desired > 0 && now - lastActive >= COOLDOWN) {
            apply(model, now, 0);
            recommendations.clear();
        }
    }

    private void hpaSync(GroupModel model, double now) {
        int current = desired;
        long lag = lag(model);
        // KEDA's clamp, with its integer division: only when floor(lag / threshold) exceeds the partitions
        if (lag / lagThreshold > model.partitions()) {
            lag = (long) model.partitions() * lagThreshold;
        }
        double metric = lag;
        double ratio = metric / ((double) lagThreshold * current);
        int recommendation = Math.abs(ratio - 1) <= TOLERANCE ? current : (int) Math.ceil(metric / lagThreshold);
        recommendation = Math.max(1, Math.min(maxReplicas, recommendation));

        recommendations.addLast(new double[] {now, recommendation});
        while (!recommendations.isEmpty() && recommendations.peekFirst()[0] <= now - STABILIZATION) {
            recommendations.removeFirst();
        }
        int next = current;
        if (recommendation > current) {
            next = Math.min(recommendation, scaleUpLimit(now, current));
        } else if (recommendation < current) {
            int highest = 0;
            for (double[] r : recommendations) {
                highest = Math.max(highest, (int) r[1]);
            }
            next = Math.min(current, highest);
        }
        if (next != current) {
            apply(model, now, next);
        }
    }

    /** HPA default scale-up policies: +100 % or +4 pods per 15 s, whichever allows more (selectPolicy Max). */
    private int scaleUpLimit(double now, int current) {
        while (!scaleUps.isEmpty() && scaleUps.peekFirst()[0] <= now - SCALE_UP_PERIOD) {
            scaleUps.removeFirst();
        }
        int added = 0;
        for (double[] s : scaleUps) {
            added += (int) s[1];
        }
        int periodStart = current - added;
        return Math.max(periodStart * 2, periodStart + 4);
    }

    private void apply(GroupModel model, double now, int replicas) {
        if (replicas > desired) {
            scaleUps.addLast(new double[] {now, replicas - desired});
        }
        desired = replicas;
        model.requestReplicas(replicas);
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
