package dev.ebb.scaler.local;

import dev.ebb.scaler.loop.DecisionEvent;
import dev.ebb.scaler.loop.DecisionListener;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.workload.Workload;
import dev.ebb.scaler.workload.WorkloadId;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** Feeds the loop's decisions into a {@link LiveLog} for the terminal and web views. Quick and non-blocking. */
public final class LiveDecisionListener implements DecisionListener {

    private final LiveLog log;
    private final Clock clock;

    public LiveDecisionListener(LiveLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    @Override
    public void onDecision(DecisionEvent event) {
        LiveSample.Change change = event.outcome() instanceof ScaleOutcome.Scaled ? LiveSample.Change.SCALED
                : event.outcome() instanceof ScaleOutcome.Failed ? LiveSample.Change.FAILED : LiveSample.Change.NONE;
        log.record(sample(event.workload(), event.observation(), event.decision().arrivalRate(),
                event.decision().desiredReplicas(), event.replicasAfter(), event.decision().kind().name(),
                event.decision().reason(), outcome(event.outcome()), change));
    }

    @Override
    public void onTargetFailure(Workload workload, Observation observation, ScaleOutcome.Failed failure) {
        log.record(sample(workload, observation, OptionalDouble.empty(), 0, 0, "TARGET_FAILURE", failure.message(),
                outcome(failure), LiveSample.Change.FAILED));
    }

    @Override
    public void onInvalid(WorkloadId id, List<String> problems) {
        log.annotate(clock.instant(), id.name() + " is invalid: " + String.join("; ", problems));
    }

    @Override
    public void onError(Workload workload, String kind, String message) {
        log.annotate(clock.instant(), workload.id().name() + ": " + kind + ": " + message);
    }

    @Override
    public void onRemoved(WorkloadId id) {
        log.annotate(clock.instant(), id.name() + " removed");
    }

    /** {@code arrivals}: the decision's arrival rate (the one estimator), never the observation's own. */
    private static LiveSample sample(Workload workload, Observation observation, OptionalDouble arrivals, int desired,
                                     int current, String kind, String reason, String outcome,
                                     LiveSample.Change change) {
        if (observation instanceof Observation.Lag lag) {
            return new LiveSample(lag.at(), workload.id().name(), OptionalLong.of(lag.totalLag()), arrivals,
                    lag.consumptionRate(), lag.timeLag(), desired, current, kind, reason, outcome, change);
        }
        return new LiveSample(observation.at(), workload.id().name(), OptionalLong.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), Optional.empty(), desired, current, kind, reason, outcome, change);
    }

    static String outcome(ScaleOutcome outcome) {
        if (outcome instanceof ScaleOutcome.Scaled s) {
            return "scaled " + s.from() + " -> " + s.to();
        }
        if (outcome instanceof ScaleOutcome.Failed f) {
            return "failed (" + f.kind().label() + "): " + f.message();
        }
        return "unchanged";
    }
}
