package dev.ebb.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.bench.demo.DemoOptions;
import dev.ebb.bench.demo.DemoSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class E2eBenchmarkTest {

    private static DemoSummary summary(String mode, Duration poll, Duration firstUp, long lost) {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        return new DemoSummary(mode, "e2e-burst", mode, "process", 8, poll, start, start.plusSeconds(90),
                Optional.of(firstUp), Optional.of(Duration.ofSeconds(20)), 321.5, 8, 0, 0, 12_000, 12_000, 12_000,
                lost, 0, 0, 4);
    }

    @Test
    void parsesOptionsAndDefaultsToProcessesAndBothRuns() {
        E2eBenchmark.Options defaults = E2eBenchmark.parse(new String[0]);
        E2eBenchmark.Options custom = E2eBenchmark.parse(new String[] {"--burst", "500", "--only", "ebb",
                "--workers", "threads", "--keda-cooldown", "60s", "--out", "/tmp/r"});

        assertThat(defaults.workers()).isEqualTo(DemoOptions.Workers.PROCESS);
        assertThat(defaults.only()).containsExactly("ebb", "keda");
        assertThat(defaults.kedaCooldown()).isEqualTo(Duration.ofSeconds(300));
        assertThat(custom.burst()).isEqualTo(500);
        assertThat(custom.only()).containsExactly("ebb");
        assertThat(custom.workers()).isEqualTo(DemoOptions.Workers.THREADS);
        assertThat(custom.kedaCooldown()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void reportsEveryBadArgument() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = E2eBenchmark.run(new String[] {"--burst", "0", "--only", "hpa", "--workers", "pods", "--x", "1"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("Invalid value 0 for --burst: must be >= 1")
                .contains("Invalid value 'hpa' for --only")
                .contains("Invalid value 'pods' for --workers")
                .contains("Unknown option --x");
        assertThatThrownBy(() -> E2eBenchmark.parse(new String[] {"--burst"}))
                .hasMessageContaining("Missing value for --burst");
    }

    @Test
    void markdownHasARowPerRunAndJudgesTheGoalFromTheDrainRun() {
        E2eBenchmark.Options options = E2eBenchmark.parse(new String[0]);
        List<E2eBenchmark.Measured> fast = List.of(
                new E2eBenchmark.Measured("Ebb drain mode", "drain", summary("drain", Duration.ofSeconds(1),
                        Duration.ofMillis(1200), 0), 321.5, "measured", Optional.of(Duration.ofSeconds(2))),
                new E2eBenchmark.Measured("KEDA-like", "threshold", summary("threshold", Duration.ofSeconds(30),
                        Duration.ofSeconds(17), 0), 2400, "projected", Optional.empty()));
        List<E2eBenchmark.Measured> slow = List.of(new E2eBenchmark.Measured("Ebb drain mode", "drain",
                summary("drain", Duration.ofSeconds(1), Duration.ofMillis(1900), 0), 321.5, "measured",
                Optional.empty()));

        String md = E2eBenchmark.markdown(options, fast, "1 / 1 / 1", "2 / 2 / 2");
        String mdSlow = E2eBenchmark.markdown(options, slow, "1 / 1 / 1", "2 / 2 / 2");

        assertThat(md).contains("| Ebb drain mode | 1s | 1.20 s | 20.00 s | 8 | 322 | 322 | 12,000 | 12,000 | 0 | 0 |")
                .contains("| KEDA-like | 30s | 17.00 s |").contains("2,400")
                .contains("**met** (1.20 s)").contains("load average 1 / 1 / 1 before");
        assertThat(mdSlow).contains("**not met** (1.90 s)");
        assertThat(E2eBenchmark.json(options, fast, "1", "2").getJsonArray("runs")).hasSize(2);
    }
}
