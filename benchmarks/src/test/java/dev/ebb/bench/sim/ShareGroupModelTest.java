package dev.ebb.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.policy.Mode;
import org.junit.jupiter.api.Test;

class ShareGroupModelTest {

    /** Four partitions, no throughput noise: capacities are exact. */
    private final SimSettings settings = SimSettings.standard().withPartitions(4).withNoise(0);

    /** Far more arrivals than 20 workers process: every member is busy the whole time. */
    private Trace flood() {
        return Traces.of("flood", "test", settings.stepSeconds(), 60, t -> 50_000, 0, 0, 50_000);
    }

    /** Starts {@code members} pods at step 0; they join after the cold start, before second 20. */
    private GroupModel withMembers(GroupModel.Consumption consumption, int members, Trace trace) {
        GroupModel model = new GroupModel(settings, trace, consumption);
        model.beginStep();
        model.startPods(members);
        return model;
    }

    /** Records processed from second 20 to second 40 (members joined by then), per second. */
    private static double rateBetween20And40(GroupModel model) {
        double at20 = 0;
        for (int i = model.step(); i < 400; i++) {
            if (i > 0) {
                model.beginStep();
            }
            if (i == 200) {
                at20 = model.processed();
            }
            model.advance();
        }
        return (model.processed() - at20) / 20;
    }

    @Test
    void aShareGroupUsesMoreMembersThanPartitionsAndPaysTheOverheadOnEveryRecord() {
        double share = rateBetween20And40(withMembers(GroupModel.Consumption.shareGroup(0.05), 16, flood()));
        double consumer = rateBetween20And40(withMembers(GroupModel.Consumption.CONSUMER_GROUP, 16, flood()));

        // 16 members on 4 partitions: all 16 work, each at 1000 / 1.05 records/s
        assertThat(share).isCloseTo(16 * 1000 / 1.05, offset(1.0));
        // the consumer group: 4 members work, 12 sit idle
        assertThat(consumer).isCloseTo(4 * 1000, offset(1.0));
    }

    @Test
    void theOverheadIsWhatSlowsTheWorkers() {
        double none = rateBetween20And40(withMembers(GroupModel.Consumption.shareGroup(0), 8, flood()));
        double tenPercent = rateBetween20And40(withMembers(GroupModel.Consumption.shareGroup(0.10), 8, flood()));

        assertThat(none).isCloseTo(8000, offset(1.0));
        assertThat(tenPercent).isCloseTo(8000 / 1.10, offset(1.0));
        GroupModel model = new GroupModel(settings, flood(), GroupModel.Consumption.shareGroup(0.05));
        assertThat(model.effectiveWorkers(16)).isCloseTo(16 / 1.05, offset(1e-9));
        assertThat(new GroupModel(settings, flood()).effectiveWorkers(16)).isEqualTo(4);
    }

    @Test
    void aMembershipChangePausesNothingInAShareGroupButTheWholeConsumerGroup() {
        Trace steady = Traces.of("steady", "test", settings.stepSeconds(), 60, t -> 3000, 1, 0, 3000);
        for (GroupModel.Consumption c : new GroupModel.Consumption[] {GroupModel.Consumption.shareGroup(0.05),
                GroupModel.Consumption.CONSUMER_GROUP}) {
            GroupModel model = new GroupModel(settings, steady, c);
            double atJoin = 0;
            double oneSecondLater = 0;
            for (int i = 0; i < 600; i++) {
                model.beginStep();
                if (i == 100) {
                    model.startPods(1); // cold start 10 s: joins at step 200
                }
                if (i == 200) {
                    atJoin = model.processed();
                }
                if (i == 210) {
                    oneSecondLater = model.processed();
                }
                model.advance();
            }
            assertThat(model.membershipChanges()).isEqualTo(1);
            if (c.share()) {
                // two members at work in the second after the join
                assertThat(oneSecondLater - atJoin).isGreaterThan(1500);
            } else {
                // the classic protocol's 2 s pause: nothing consumed in the second after the join
                assertThat(oneSecondLater - atJoin).isZero();
            }
        }
    }

    @Test
    void aShareGroupAcknowledgesEveryRecordAsItIsProcessed() {
        Trace steady = Traces.of("steady", "test", settings.stepSeconds(), 30, t -> 3000, 4, 0, 3000);
        GroupModel share = new GroupModel(settings, steady, GroupModel.Consumption.shareGroup(0.05));
        GroupModel consumer = new GroupModel(settings, steady);
        long shareMaxLag = 0;
        long consumerMaxLag = 0;
        for (int i = 0; i < 300; i++) {
            share.beginStep();
            consumer.beginStep();
            for (int p = 0; p < 4; p++) {
                shareMaxLag = Math.max(shareMaxLag, share.endOffset(p) - share.committedOffset(p));
                consumerMaxLag = Math.max(consumerMaxLag, consumer.endOffset(p) - consumer.committedOffset(p));
            }
            share.advance();
            consumer.advance();
        }
        // 4 workers keep up with 3000/s: a share group's reported lag is at most the rounding of a fluid offset, a
        // consumer group's up to a commit interval's arrivals (5 s of 750/s per partition)
        assertThat(shareMaxLag).isLessThanOrEqualTo(1);
        assertThat(consumerMaxLag).isGreaterThan(3000);
    }

    @Test
    void everyArrivedRecordIsProcessedOrInTheBacklog() {
        GroupModel model = new GroupModel(SimSettings.standard().withPartitions(4), flood(),
                GroupModel.Consumption.shareGroup(0.05));
        model.beginStep();
        model.startPods(12);
        for (int i = 0; i < 600; i++) {
            if (i > 0) {
                model.beginStep();
            }
            if (i == 300) {
                model.requestReplicas(3);
            }
            model.advance();
            assertThat(model.processed() + model.backlog()).isCloseTo(model.arrived(), offset(1e-6 * model.arrived()));
            assertThat(model.backlog()).isGreaterThanOrEqualTo(-1e-6);
        }
    }

    @Test
    void ebbIsToldTheGroupKindAndDoesNotCapAShareGroupAtThePartitions() {
        assertThat(EbbPolicies.spec(Mode.DRAIN, settings, GroupKind.SHARE).groupKind()).isEqualTo(GroupKind.SHARE);
        assertThat(EbbPolicies.spec(Mode.DRAIN, settings).groupKind()).isEqualTo(GroupKind.CONSUMER);

        Trace trace = Traces.queueBurst(settings);
        RunResult share = Simulation.runOne(settings, trace,
                EbbPolicies.controller("share", Mode.DRAIN, settings, GroupKind.SHARE),
                GroupModel.Consumption.shareGroup(0.05));
        RunResult consumer = Simulation.runOne(settings, trace,
                EbbPolicies.controller("consumer", Mode.DRAIN, settings, GroupKind.CONSUMER),
                GroupModel.Consumption.CONSUMER_GROUP);
        assertThat(max(share.pods())).isGreaterThanOrEqualTo(16);
        assertThat(max(consumer.pods())).isEqualTo(4);
    }

    @Test
    void theConsumptionIsValidated() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GroupModel.Consumption.shareGroup(-0.1))
                .hasMessage("Invalid value -0.1 for acquisitionOverhead: must be >= 0 and < 10");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new GroupModel.Consumption(GroupKind.CONSUMER, 0.05))
                .hasMessageContaining("must be 0 for a consumer group");
    }

    private static int max(short[] values) {
        int m = 0;
        for (short v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
