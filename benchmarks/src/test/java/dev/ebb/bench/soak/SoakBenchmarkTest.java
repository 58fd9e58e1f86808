package dev.ebb.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.bench.demo.DemoSummary;
import dev.ebb.bench.demo.Trace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SoakBenchmarkTest {

    @Test
    void defaultsToTenMinutesAndReportsEveryBadArgument() {
        assertThat(SoakBenchmark.parse(new String[0]).minutes()).isEqualTo(10);
        assertThat(SoakBenchmark.parse(new String[] {"--minutes", "30", "--seed", "7"}).minutes()).isEqualTo(30);
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = SoakBenchmark.run(new String[] {"--minutes", "1", "--seed", "x", "--nope", "1"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("Invalid value 1 for --minutes: must be in 2..1440")
                .contains("Invalid value for option '--seed': 'x' is not a long")
                .contains("Unknown option --nope");
    }

    @Test
    void traceHasBurstsIdleGapsAndAnIdleTailAfterTheRequestedMinutes() {
        Trace trace = SoakBenchmark.trace(10, new Random(1));

        Duration active = trace.length().minus(Duration.ofMinutes(10));
        assertThat(active).isGreaterThanOrEqualTo(Duration.ofMinutes(10));
        assertThat(trace.phases()).extracting(Trace.Phase::name).contains(Trace.BURST, "idle-gap");
        assertThat(trace.phases().get(trace.phases().size() - 1).name()).isEqualTo("idle");
        assertThat(trace.phases().stream().filter(p -> p.name().startsWith("burst")).count()).isGreaterThan(3);
    }

    @Test
    void markdownListsTheFaultScheduleAndJudgesLossAndDuplicates() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        DemoSummary s = new DemoSummary("soak", "soak", "drain", "process", 8, Duration.ofSeconds(1), start,
                start.plusSeconds(700), Optional.empty(), Optional.empty(), 1000, 6, 0, 0, 1000, 40_000, 40_000,
                0, 120, 0, 30);
        List<SoakBenchmark.Fault> faults = List.of(
                new SoakBenchmark.Fault(30.1, "worker-sigkill", "SIGKILL worker pid 1 of 3", 100),
                new SoakBenchmark.Fault(300.0, "broker-restart", "broker stopped (SIGTERM)", 50));
        List<SoakBenchmark.Sample> samples = List.of(new SoakBenchmark.Sample(0, 20, 10, 6, 1, "1.0 / 1.0 / 1.0"),
                new SoakBenchmark.Sample(10, 30, 12, 7, 2, "2.0 / 1.0 / 1.0"));

        String md = SoakReport.markdown(SoakBenchmark.parse(new String[0]), SoakBenchmark.trace(10,
                new Random(1)), s, faults, samples, 150, true, "1", "2");

        assertThat(md).contains("| 30.1 s | SIGKILL worker pid 1 of 3 | 100 |")
                .contains("| 300.0 s | broker stopped (SIGTERM) | 50 |")
                .contains("| 40,000 | 40,000 | 0 | 120 | 150 |")
                .contains("0 lost, duplicates within bound")
                .contains("1.0..2.0");
    }
}
