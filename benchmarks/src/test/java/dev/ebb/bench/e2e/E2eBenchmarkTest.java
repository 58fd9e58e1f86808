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

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private static DemoSummary summary(String mode, Duration firstUp, double replicaSeconds, int peak) {
        return new DemoSummary(mode, "e2e-burst", mode, "process", 8, Duration.ofSeconds(1), START,
                START.plusSeconds(90), Optional.ofNullable(firstUp), Optional.of(Duration.ofSeconds(20)),
                replicaSeconds, peak, 0, 0, 12_000, 12_000, 12_000, 0, 0, 0, 4);
    }

    private static Tally tally(int records, int duplicates, int lost) {
        Tally t = new Tally();
        for (int i = 0; i < records; i++) {
            t.input(i);
        }
        for (int i = lost; i < records; i++) {
            t.output(i);
        }
        for (int i = 0; i < duplicates; i++) {
            t.output(records - 1 - i);
        }
        return t;
    }

    private static E2eBenchmark.Run run(E2eBenchmark.Config config, int round, Duration firstUp,
                                        double replicaSeconds, int duplicates) {
        return new E2eBenchmark.Run(round, 1, config, summary(config.policy().mode(), firstUp, replicaSeconds, 8),
                tally(100, duplicates, 0), Optional.of(Duration.ofSeconds(2)),
                Optional.of(Duration.ofSeconds(60 + round)), "1.00 / 1.00 / 1.00");
    }

    @Test
    void parsesOptionsAndDefaultsToThreeRunsOfAllFourConfigurations() {
        E2eBenchmark.Options defaults = E2eBenchmark.parse(new String[0]);
        E2eBenchmark.Options custom = E2eBenchmark.parse(new String[] {"--runs", "5", "--burst", "500",
                "--only", "keda-tuned,ebb-defaults", "--workers", "threads", "--keda-tuned-lag-threshold", "900",
                "--keda-tuned-poll", "10s", "--out", "/tmp/r"});

        assertThat(defaults.runs()).isEqualTo(3);
        assertThat(defaults.workers()).isEqualTo(DemoOptions.Workers.PROCESS);
        assertThat(defaults.only()).containsExactly("ebb-defaults", "ebb-tuned", "keda-defaults", "keda-tuned");
        assertThat(defaults.kedaTunedLagThreshold()).isEqualTo(4000);
        assertThat(custom.runs()).isEqualTo(5);
        assertThat(custom.burst()).isEqualTo(500);
        assertThat(custom.only()).containsExactly("ebb-defaults", "keda-tuned");
        assertThat(custom.kedaTunedLagThreshold()).isEqualTo(900);
        assertThat(custom.kedaTunedPoll()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void reportsEveryBadArgument() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = E2eBenchmark.run(new String[] {"--burst", "0", "--runs", "0", "--only", "hpa", "--workers",
                "pods", "--x", "1"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("Invalid value 0 for --burst: must be >= 1")
                .contains("Invalid value 0 for --runs: must be >= 1")
                .contains("Invalid value 'hpa' for --only")
                .contains("Invalid value 'pods' for --workers")
                .contains("Unknown option --x");
        assertThatThrownBy(() -> E2eBenchmark.parse(new String[] {"--burst"}))
                .hasMessageContaining("'--burst'");
    }

    @Test
    void ebbDefaultsCarryNoPriorsAboutTheWorkersAndKedaTunedSharesEbbTunedsCooldownAndWindow() {
        List<E2eBenchmark.Config> configs = E2eBenchmark.configs(E2eBenchmark.parse(new String[0]));

        assertThat(configs).extracting(E2eBenchmark.Config::id)
                .containsExactly("ebb-defaults", "ebb-tuned", "keda-defaults", "keda-tuned");
        assertThat(configs.get(0).policy().settings()).containsOnlyKeys("drainWithin");
        assertThat(configs.get(1).policy().settings()).containsKeys("perReplicaRate", "readyDelay");
        assertThat(configs.get(3).policy().settings().get("cooldown"))
                .isEqualTo(configs.get(1).policy().settings().get("cooldown"));
        assertThat(configs.get(3).policy().settings().get("scaleDownWindow"))
                .isEqualTo(configs.get(1).policy().settings().get("scaleDownWindow"));
        assertThat(configs.get(2).policy().settings()).containsEntry("lagThreshold", 10)
                .containsEntry("cooldown", Duration.ofSeconds(300));
        assertThat(configs.get(2).poll()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void alternatesTheOrderEveryRound() {
        assertThat(E2eBenchmark.alternating(List.of("A", "B", "C", "D"), 3)).containsExactly(
                List.of("A", "B", "C", "D"), List.of("D", "C", "B", "A"), List.of("A", "B", "C", "D"));
        assertThat(E2eReport.orderText(4, 4)).isEqualTo("ABCD, DCBA, ABCD, DCBA");
    }

    @Test
    void spreadTakesTheMedianAndRangeAndCountsRunsWithoutAValue() {
        Spread odd = Spread.ofValues(List.of(5.0, 1.0, 3.0));
        Spread even = Spread.ofValues(List.of(4.0, 1.0, 2.0, 10.0));
        Spread missing = Spread.of(List.of(Optional.of(2.0), Optional.empty()));
        Spread none = Spread.of(List.of(Optional.empty()));

        assertThat(odd).isEqualTo(new Spread(3.0, 1.0, 5.0, 3, 0));
        assertThat(even.median()).isEqualTo(3.0);
        assertThat(even.format("%.1f")).isEqualTo("3.0 (1.0–10.0)");
        assertThat(missing.format("%.0f")).isEqualTo("2 (2–2), 1 run(s) without");
        assertThat(none.format("%.0f")).isEqualTo("none");
    }

    @Test
    void tallyCountsLostDuplicatedAndUnexpectedIds() {
        Tally t = tally(10, 2, 3);
        t.output(42);
        t.output(-1);

        assertThat(t.inputIds()).isEqualTo(10);
        assertThat(t.lost()).isEqualTo(3);
        assertThat(t.duplicated()).isEqualTo(2);
        assertThat(t.unexpected()).isEqualTo(1);
        assertThat(t.unrecognised()).isEqualTo(1);
        assertThat(t.outputRecords()).isEqualTo(7 + 2 + 1);
    }

    @Test
    void aggregatesMediansPerConfigurationAndWritesThemWithTheRuns() {
        E2eBenchmark.Options options = E2eBenchmark.parse(new String[0]);
        List<E2eBenchmark.Config> configs = E2eBenchmark.configs(options);
        E2eBenchmark.Config tuned = configs.get(1);
        List<E2eBenchmark.Run> runs = List.of(
                run(tuned, 1, Duration.ofMillis(1200), 300, 0),
                run(tuned, 2, Duration.ofMillis(900), 200, 5),
                run(tuned, 3, null, 250, 1));

        E2eBenchmark.Aggregate a = E2eBenchmark.aggregate(tuned, runs);
        String md = E2eReport.markdown(options, List.of(a), runs, "1 / 1 / 1", "2 / 2 / 2",
                Duration.ofMinutes(10));

        assertThat(a.replicaSeconds()).isEqualTo(new Spread(250, 200, 300, 3, 0));
        assertThat(a.firstScaleUp().median()).isEqualTo(1.05);
        assertThat(a.firstScaleUp().missing()).isEqualTo(1);
        assertThat(a.burstToZero().median()).isEqualTo(62);
        assertThat(a.duplicatedTotal()).isEqualTo(6);
        assertThat(md).contains("| Ebb tuned | 1s | 1.05 (0.90–1.20), 1 run(s) without | 20.0 (20.0–20.0) | "
                        + "62 (61–63) | 250 (200–300) | 8 (8–8) | 0 | 6 (1 (0–5) per run) |")
                .contains("Goal (Ebb tuned): first scale-up within 1.5 s of the burst at 1 s polling, median: "
                        + "**not met**")
                .contains("load average 1 / 1 / 1 before")
                .contains("| 2 | 1 | Ebb tuned | 1.00 / 1.00 / 1.00 | 0.90 s |");
        assertThat(E2eReport.json(options, List.of(a), runs, "1", "2", Duration.ofMinutes(10))
                .getJsonArray("runs")).hasSize(3);
    }
}
