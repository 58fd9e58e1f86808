package dev.ebb.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class GroupModelTest {

    private final SimSettings settings = SimSettings.standard();

    /** Scales 1 -> 6 at 20 s, 6 -> 2 at 90 s, 2 -> 0 at 150 s, on a varying trace. */
    private static final class ScriptedController implements Controller {
        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public void onStep(GroupModel model) {
            switch (model.step()) {
                case 200 -> model.requestReplicas(6);
                case 900 -> model.requestReplicas(2);
                case 1500 -> model.requestReplicas(0);
                default -> {
                }
            }
        }
    }

    private Trace varying() {
        return Traces.of("varying", "test", settings.stepSeconds(), 180,
                t -> t < 60 ? 3000 : t < 120 ? 800 + 10 * t : 1500, 1, 20, 3000);
    }

    @Test
    void everyArrivedRecordIsProcessedOrInTheBacklog() {
        GroupModel model = new GroupModel(settings, varying());
        Controller controller = new ScriptedController();
        for (int i = 0; i < 1800; i++) {
            model.beginStep();
            controller.onStep(model);
            model.advance();
            assertThat(model.processed() + model.backlog()).isCloseTo(model.arrived(), offset(1e-6 * model.arrived() + 1e-6));
            assertThat(model.backlog()).isGreaterThanOrEqualTo(-1e-6);
        }
        assertThat(model.arrived()).isCloseTo(varying().totalRecords(), offset(1e-3));
        // with no replica for the last 30 s, the records of that time are all still there
        assertThat(model.backlog()).isGreaterThan(1500 * 29);
    }

    @Test
    void newPodsJoinAfterActuationDelayAndColdStartAndPauseTheGroup() {
        RunResult run = Simulation.runOne(settings, varying(), new ScriptedController());
        // asked at 20 s: pods exist from 20.5 s (actuation), join at 30.5 s (cold start)
        assertThat(run.pods()[204]).isEqualTo((short) 1);
        assertThat(run.pods()[205]).isEqualTo((short) 6);
        assertThat(run.members()[304]).isEqualTo((short) 1);
        assertThat(run.members()[305]).isEqualTo((short) 6);
        assertThat(run.membershipChanges()).isEqualTo(3); // join of 5, leave of 4, leave of 2
        assertThat(run.members()[run.members().length - 1]).isZero();
    }

    @Test
    void consumptionStopsForTheGroupPauseOnEveryMembershipChange() {
        Trace steady = Traces.of("steady", "test", settings.stepSeconds(), 60, t -> 500, 1, 0, 500);
        GroupModel model = new GroupModel(settings, steady);
        double processedBefore = 0;
        double processedAtJoin = 0;
        for (int i = 0; i < 600; i++) {
            model.beginStep();
            if (i == 100) {
                model.startPods(1); // joins at step 200
            }
            if (i == 200) {
                processedAtJoin = model.processed();
            }
            if (i == 220) {
                // two seconds of pause after the join at 20 s: nothing consumed in between
                assertThat(model.processed()).isEqualTo(processedAtJoin);
            }
            if (i == 199) {
                processedBefore = model.processed();
            }
            model.advance();
        }
        assertThat(processedAtJoin).isGreaterThan(processedBefore);
        // after the pause two members catch up: nothing is left behind at the end
        assertThat(model.backlog()).isLessThan(1);
    }

    @Test
    void aGroupCannotUseMoreMembersThanPartitions() {
        assertThat(settings.effectiveReplicas(32)).isEqualTo(32);
        assertThat(settings.effectiveReplicas(40)).isEqualTo(32);
        // 9 and 10 members leave the busiest with 4 of 32 partitions, no better than 8
        assertThat(settings.effectiveReplicas(9)).isEqualTo(8);
        assertThat(settings.effectiveReplicas(10)).isEqualTo(8);
        assertThat(settings.effectiveReplicas(11)).isCloseTo(32.0 / 3, offset(1e-9));
        assertThat(settings.effectiveReplicas(0)).isZero();
    }

    @Test
    void sameSeedSameRunOtherSeedOtherNoise() {
        Trace trace = Traces.byName("spike", settings);
        RunResult a = Simulation.runOne(settings, trace, new KedaHpaController(settings));
        RunResult b = Simulation.runOne(settings, trace, new KedaHpaController(settings));
        RunResult c = Simulation.runOne(settings.withSeed(2), trace, new KedaHpaController(settings.withSeed(2)));

        assertThat(b.timeLag()).containsExactly(a.timeLag());
        assertThat(b.pods()).containsExactly(a.pods());
        assertThat(b.replicaSeconds()).isEqualTo(a.replicaSeconds());
        assertThat(c.timeLag()).isNotEqualTo(a.timeLag());
    }

    @Test
    void noiseStaysWithinItsBoundsAndAveragesToTheMean() {
        GroupModel model = new GroupModel(settings, varying());
        double sum = 0;
        int n = 0;
        for (int pod = 0; pod < 20; pod++) {
            for (int second = 0; second < 500; second++) {
                double f = model.noise(pod, second);
                assertThat(f).isBetween(1 - settings.noise(), 1 + settings.noise());
                sum += f;
                n++;
            }
        }
        assertThat(sum / n).isCloseTo(1.0, offset(0.01));
    }
}
