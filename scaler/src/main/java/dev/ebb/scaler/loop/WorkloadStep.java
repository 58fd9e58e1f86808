package dev.ebb.scaler.loop;

import dev.ebb.scaler.policy.Decision;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.reconcile.Action;
import dev.ebb.scaler.reconcile.Reconcile;
import dev.ebb.scaler.reconcile.Role;
import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.ScaleTarget;
import dev.ebb.scaler.workload.Workload;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O around one {@link Reconcile} step for one workload: read the target's replicas, run the step (the policy,
 * then the pause, hold and leader rules), write what the action asks, tell the listener. No rule of its own: whether
 * to write is the step's answer. Runs on the loop's context; target calls complete elsewhere and come back to it.
 */
final class WorkloadStep {

    /** The loop's logger: operators filter on it, whichever class of the loop writes the line. */
    private static final Logger LOG = LoggerFactory.getLogger(ScalerLoop.class);

    private final ScaleTarget target;
    private final Context context;
    private final DecisionListener listener;
    private final LeaderGate leader;

    WorkloadStep(ScaleTarget target, Context context, DecisionListener listener, LeaderGate leader) {
        this.target = target;
        this.context = context;
        this.listener = listener;
        this.leader = leader;
    }

    /**
     * Reads the target's replicas, runs the step, writes what its action asks and tells the listener.
     *
     * @param stillCurrent whether the run is still the loop's (a workload removed or changed while its replicas were
     *     read is left to the next tick)
     */
    Future<Void> run(WorkloadRun run, Workload w, Observation obs, Instant now, Predicate<WorkloadRun> stillCurrent) {
        Future<Integer> current;
        try {
            current = Future.fromCompletionStage(target.currentReplicas(w.target()), context);
        } catch (RuntimeException e) {
            current = Future.failedFuture(e);
        }
        return current.transform(ar -> {
            if (ar.failed()) {
                Throwable cause = ScalerLoop.unwrap(ar.cause());
                ScaleOutcome.Failed failure = cause instanceof ScaleTargetException ste ? ste.failure()
                        : new ScaleOutcome.Failed(FailureKind.IO, "Cannot read the replicas of " + w.target() + ": "
                        + cause.getMessage());
                LOG.debug("Workload {}: {}", w.id(), failure.message());
                listener.onTargetFailure(w, obs, failure);
                return Future.succeededFuture();
            }
            if (!stillCurrent.test(run) || run.workload != w) {
                return Future.succeededFuture(); // removed or changed while we were reading: next tick decides
            }
            int replicas = ar.result();
            // Re-read right before the step: the write below follows at once, on this context.
            Role role = leader.leading() ? Role.LEADER : Role.STANDBY;
            Reconcile.Step step;
            try {
                step = Reconcile.step(w.policy(), obs, run.state, replicas, w.pause(), role, now);
                run.state = step.next();
            } catch (RuntimeException e) {
                LOG.error("Policy failed for workload {}: {}", w.id(), e.toString());
                listener.onError(w, "policy", String.valueOf(e.getMessage()));
                return Future.succeededFuture();
            }
            Decision decision = step.decision();
            Action action = step.action();
            int applied = action.wanted();
            DecisionEvent.Role eventRole = role == Role.LEADER ? DecisionEvent.Role.LEADER : DecisionEvent.Role.STANDBY;
            if (!(action instanceof Action.Scale scale)) {
                listener.onDecision(new DecisionEvent(w, obs, replicas, decision, applied,
                        new ScaleOutcome.Unchanged(replicas), eventRole, now));
                return Future.succeededFuture();
            }
            String reason = scale.reason();
            Future<ScaleOutcome> scaled;
            try {
                scaled = Future.fromCompletionStage(target.scale(w.target(), applied, reason), context);
            } catch (RuntimeException e) {
                scaled = Future.failedFuture(e);
            }
            return scaled.recover(e -> Future.succeededFuture(new ScaleOutcome.Failed(FailureKind.IO, "Cannot scale "
                    + w.target() + ": " + ScalerLoop.unwrap(e).getMessage()))).map(outcome -> {
                if (outcome instanceof ScaleOutcome.Scaled s) {
                    LOG.info("{}: scaled {} from {} to {}: {}", w.id(),
                            w.target().kind() + "/" + w.target().name(), s.from(), s.to(), reason);
                } else if (outcome instanceof ScaleOutcome.Failed f) {
                    LOG.warn("{}: cannot scale to {}: {}", w.id(), applied, f.message());
                }
                listener.onDecision(new DecisionEvent(w, obs, replicas, decision, applied, outcome, eventRole, now));
                return null;
            });
        });
    }
}
