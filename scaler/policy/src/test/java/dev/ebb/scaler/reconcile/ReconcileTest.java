package dev.ebb.scaler.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.scaler.policy.Decision;
import dev.ebb.scaler.policy.DecisionKind;
import dev.ebb.scaler.policy.Mode;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PartitionLag;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.policy.WorkloadState;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of the reconcile step, as named cases: (desired, pause, role, current) → the action. */
class ReconcileTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /**
     * @param desired what the policy decided
     * @param expected the action the step must return
     */
    record Case(String name, int desired, Pause pause, Role role, int current, Action expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        Pause none = Pause.none();
        Pause paused = new Pause.Paused("annotation ebb.dev/paused=true");
        Pause held = new Pause.HoldAt(2, "annotation ebb.dev/paused-replicas=2");
        Pause conflict = new Pause.Paused("HorizontalPodAutoscaler orders-hpa also scales deployment/orders");
        return Stream.of(
                new Case("the leader scales up to the decision", 5, none, Role.LEADER, 1,
                        new Action.Scale(1, 5, "policy says 5")),
                new Case("the leader scales down to the decision", 0, none, Role.LEADER, 3,
                        new Action.Scale(3, 0, "policy says 0")),
                new Case("a decision equal to the current count writes nothing", 3, none, Role.LEADER, 3,
                        new Action.Nothing(3, "policy says 3")),
                new Case("a standby holds what the leader would write", 5, none, Role.STANDBY, 1,
                        new Action.Hold(1, 5, Action.Cause.STANDBY, "standby (the leader acts): policy says 5")),
                new Case("a standby with nothing to change does nothing", 1, none, Role.STANDBY, 1,
                        new Action.Nothing(1, "policy says 1")),
                new Case("paused: the current count stays, whatever the decision", 5, paused, Role.LEADER, 1,
                        new Action.Hold(1, 1, Action.Cause.PAUSED, "annotation ebb.dev/paused=true")),
                new Case("paused and standing by: still paused", 5, paused, Role.STANDBY, 1,
                        new Action.Hold(1, 1, Action.Cause.PAUSED, "annotation ebb.dev/paused=true")),
                new Case("paused at zero is not scaled from zero", 4, paused, Role.LEADER, 0,
                        new Action.Hold(0, 0, Action.Cause.PAUSED, "annotation ebb.dev/paused=true")),
                new Case("another owner of the target pauses Ebb", 9, conflict, Role.LEADER, 4,
                        new Action.Hold(4, 4, Action.Cause.PAUSED,
                                "HorizontalPodAutoscaler orders-hpa also scales deployment/orders")),
                new Case("held: the leader scales to the hold, not the decision", 5, held, Role.LEADER, 7,
                        new Action.Scale(7, 2, "annotation ebb.dev/paused-replicas=2")),
                new Case("held at the current count: nothing, even when the decision differs", 9, held, Role.LEADER,
                        2, new Action.Nothing(2, "annotation ebb.dev/paused-replicas=2")),
                new Case("held on a standby: held, not written", 5, held, Role.STANDBY, 7,
                        new Action.Hold(7, 2, Action.Cause.STANDBY,
                                "standby (the leader acts): annotation ebb.dev/paused-replicas=2")),
                new Case("no pause given is no pause", 5, null, Role.LEADER, 1,
                        new Action.Scale(1, 5, "policy says 5")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void actionFollowsTheRules(Case c) {
        Action action = Reconcile.act(decision(c.desired(), c.current()), c.pause(), c.role(), c.current());
        assertThat(action).isEqualTo(c.expected());
        assertThat(action.current()).isEqualTo(c.current());
        // Only a Scale writes, and only a leader's; a paused target's wanted count is always its current one.
        assertThat(action.writes()).isEqualTo(action instanceof Action.Scale);
        if (action.writes()) {
            assertThat(c.role()).isEqualTo(Role.LEADER);
            assertThat(action.wanted()).isNotEqualTo(c.current());
        }
        if (c.pause() instanceof Pause.Paused) {
            assertThat(action.wanted()).isEqualTo(c.current());
        }
    }

    @Test
    void stepRunsThePolicyFirstAndKeepsItsMemoryWhilePaused() {
        PolicySpec spec = PolicySpec.builder().mode(Mode.THRESHOLD).lagThreshold(10).maxReplicas(10).build();
        Observation lag = lag(40);
        Reconcile.Step paused = Reconcile.step(spec, lag, null, 0, new Pause.Paused("annotation"), Role.LEADER, T0);
        assertThat(paused.decision().desiredReplicas()).isEqualTo(2); // 80 records / 10, capped at 2 partitions
        assertThat(paused.action()).isEqualTo(new Action.Hold(0, 0, Action.Cause.PAUSED, "annotation"));
        assertThat(paused.next()).isSameAs(paused.decision().next());

        Reconcile.Step following = Reconcile.step(spec, lag, null, 0, Pause.none(), Role.LEADER, T0);
        assertThat(following.decision().desiredReplicas()).isEqualTo(paused.decision().desiredReplicas());
        assertThat(following.action()).isEqualTo(new Action.Scale(0, following.decision().desiredReplicas(),
                following.decision().reason()));
    }

    @Test
    void stepStartsFromTheCurrentCountWhenItHasNoMemory() {
        PolicySpec spec = PolicySpec.builder().mode(Mode.THRESHOLD).lagThreshold(10).maxReplicas(10).build();
        Reconcile.Step step = Reconcile.step(spec, lag(0), null, 3, Pause.none(), Role.STANDBY, T0);
        assertThat(step.decision().currentReplicas()).isEqualTo(3);
        // Memory from a previous step is corrected to what the target really has.
        WorkloadState previous = WorkloadState.initial(6);
        Reconcile.Step corrected = Reconcile.step(spec, lag(0), previous, 3, Pause.none(), Role.STANDBY, T0);
        assertThat(corrected.decision().currentReplicas()).isEqualTo(3);
    }

    @Test
    void refusesANegativeCurrentCount() {
        assertThatThrownBy(() -> Reconcile.act(decision(1, 0), Pause.none(), Role.LEADER, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid value -1 for current: must be >= 0");
    }

    @Test
    void aScaleMustChangeTheCount() {
        assertThatThrownBy(() -> new Action.Scale(2, 2, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("for wanted: must differ from current 2");
    }

    private static Decision decision(int desired, int current) {
        return new Decision(desired, "policy says " + desired, WorkloadState.initial(desired),
                desired == current ? DecisionKind.HOLD : DecisionKind.SCALE_UP, current);
    }

    private static Observation lag(long lag) {
        List<PartitionLag> partitions = List.of(
                new PartitionLag("orders", 0, lag, 0, OptionalLong.of(0), lag),
                new PartitionLag("orders", 1, lag, 0, OptionalLong.of(0), lag));
        return new Observation.Lag(T0, partitions, null, null, null, OptionalInt.empty());
    }
}
