package dev.ebb.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShareGroupComparisonTest {

    @Test
    void theShareGroupMeetsTheSloWhereTheConsumerGroupCannot() {
        ShareGroupComparison.Result r = ShareGroupComparison.run(SimSettings.standard(),
                ShareGroupComparison.DEFAULT_OVERHEAD, Simulation.seeds(1, 3));

        assertThat(r.settings().partitions()).isEqualTo(4);
        ShareGroupComparison.Row consumer = r.consumer();
        ShareGroupComparison.Row share = r.share();
        // the consumer group: 4 members at most, 4,000/s against 15,000/s, minutes over the SLO, far behind at the end
        assertThat(consumer.peakWorkers()).isEqualTo(4);
        assertThat(consumer.run().violationSeconds()).isGreaterThan(600);
        assertThat(consumer.underSloAfter()).isEmpty();
        assertThat(consumer.run().backlog()).isGreaterThan(1_000_000);
        // the share group: past the partitions to the 16 workers the burst needs with the overhead, within the SLO
        assertThat(share.workersAtBurstEnd()).isGreaterThanOrEqualTo(16);
        assertThat(share.run().violationSeconds()).isZero();
        assertThat(share.run().maxTimeLag()).isLessThan(30);
        assertThat(share.run().backlog()).isLessThan(1000);
        // it costs workers: more replica-seconds for the share group, which does the work
        assertThat(share.run().replicaSeconds()).isGreaterThan(consumer.run().replicaSeconds());
        assertThat(share.run().processed()).isGreaterThan(consumer.run().processed() + 1_000_000);

        String md = ShareGroupComparison.markdown(r, "ebb simulate --share-group");
        assertThat(md).contains("# Share group vs consumer group", "overhead of 5 % of its service time",
                "| consumer group, ebb-drain |", "| share group, ebb-drain |", "not by the end", "needs 16");
    }

    @Test
    void simulateShareGroupWritesItsReportAndRefusesABadOverhead(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(SimulateCommand.run(new String[] {"--share-group", "--acquisition-overhead", "-1"}, o, e))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("Invalid value -1 for acquisition-overhead: must be >= 0 and < 10");

        assertThat(SimulateCommand.run(new String[] {"--share-group", "--trace", "spike"}, o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Use --share-group without --trace or --csv");

        assertThat(SimulateCommand.run(new String[] {"--share-group", "--runs", "1", "--acquisition-overhead", "0.1",
                "--out", dir.toString()}, o, e)).isZero();
        String md = Files.readString(dir.resolve("simulation-share-group.md"));
        assertThat(md).contains("overhead of 10 % of its service time", "needs 17 share-group workers",
                "Medians of 1 runs");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("share group, ebb-drain", "wrote ");
    }
}
