package dev.ebb.scaler.policy;

/** Feeds observations to the policy one tick at a time, carrying the state like the runtime does. */
final class Driver {
    final PolicySpec spec;
    WorkloadState state;

    Driver(PolicySpec spec, int currentReplicas) {
        this.spec = spec;
        this.state = WorkloadState.initial(currentReplicas);
    }

    private double lastAt = Double.NaN;
    private double endTotal = 1_000_000;

    /**
     * Decides at the observation's own time. Unless the observation sets its end offsets, they continue from the
     * previous tick's at the observation's arrival rate, so the offsets agree with the rates across ticks.
     */
    Decision tick(Obs obs) {
        if (!obs.hasEndTotal()) {
            if (!Double.isNaN(lastAt)) {
                endTotal += obs.arrivalRate() * (obs.time() - lastAt);
            }
            obs.endTotal(Math.round(endTotal));
        }
        lastAt = obs.time();
        return tick(obs.build());
    }

    Decision tick(Observation obs) {
        return tickAt(obs.at(), obs);
    }

    Decision tickAt(java.time.Instant now, Observation obs) {
        Decision d = ScalingPolicy.decide(spec, obs, state, now);
        state = d.next();
        return d;
    }

    /** Ticks once per second from {@code from} to {@code to} (inclusive) with the same load; returns the last decision. */
    Decision hold(double from, double to, java.util.function.DoubleFunction<Obs> load) {
        Decision last = null;
        for (double t = from; t <= to + 1e-9; t += 1) {
            last = tick(load.apply(t));
        }
        return last;
    }
}
