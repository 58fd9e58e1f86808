package dev.ebb.bench.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.bench.sdk.SdkThroughputBenchmark.Round;
import java.util.List;
import org.junit.jupiter.api.Test;

class SdkThroughputBenchmarkTest {

    @Test
    void alternatesTheOrderOfTheContendersEveryRound() {
        assertThat(SdkThroughputBenchmark.order(1, SdkThroughputBenchmark.CONTENDERS))
                .containsExactly("raw", "pipelined", "sdk");
        assertThat(SdkThroughputBenchmark.order(2, SdkThroughputBenchmark.CONTENDERS))
                .containsExactly("sdk", "pipelined", "raw");
        assertThat(SdkThroughputBenchmark.orderText(3))
                .isEqualTo("raw, pipelined, sdk; sdk, pipelined, raw; raw, pipelined, sdk");
    }

    @Test
    void defaultsToFiveRounds() {
        assertThat(SdkThroughputBenchmark.parse(new String[0]).rounds()).isEqualTo(5);
        assertThat(SdkThroughputBenchmark.parse(new String[] {"--rounds", "7"}).rounds()).isEqualTo(7);
    }

    @Test
    void headlineIsTheMedianRateAndCpuNotTheBestRound() {
        // raw: 100, 200, 300 records/s; sdk: 90, 180, 1000 — the SDK's best round must not lift the headline.
        List<Round> rounds = List.of(
                new Round("raw", 1, 1000, 10, 1.0),
                new Round("sdk", 1, 1000, 1000.0 / 90, 1.2),
                new Round("pipelined", 1, 1000, 5, 1.1),
                new Round("raw", 2, 1000, 5, 2.0),
                new Round("sdk", 2, 1000, 1000.0 / 180, 2.4),
                new Round("pipelined", 2, 1000, 5, 1.1),
                new Round("raw", 3, 1000, 1000.0 / 300, 3.0),
                new Round("sdk", 3, 1000, 1, 3.6),
                new Round("pipelined", 3, 1000, 5, 1.1));

        String md = SdkThroughputBenchmark.report(SdkThroughputBenchmark.parse(new String[] {"--rounds", "3"}),
                rounds, "1 / 1 / 1", "2 / 2 / 2");

        assertThat(SdkThroughputBenchmark.median(rounds, "raw", Round::rate)).isEqualTo(200, within());
        assertThat(SdkThroughputBenchmark.median(rounds, "sdk", Round::rate)).isEqualTo(180, within());
        assertThat(SdkThroughputBenchmark.median(rounds, "sdk", Round::cpuMicrosPerRecord)).isEqualTo(2400, within());
        assertThat(md).contains("**SDK / serial raw: 90 % of the records/s at 120 % of the CPU per record.")
                .contains("| raw loop, serial (poll + process + commit on one thread) | 200 (100–300) |")
                .contains("load average 1 / 1 / 1 before")
                .contains(": met.");
    }

    @Test
    void medianOfAnEvenCountAveragesTheMiddleTwo() {
        List<Round> rounds = List.of(new Round("raw", 1, 100, 1, 1), new Round("raw", 2, 200, 1, 1),
                new Round("raw", 3, 300, 1, 1), new Round("raw", 4, 1000, 1, 1));

        assertThat(SdkThroughputBenchmark.median(rounds, "raw", Round::rate)).isEqualTo(250, within());
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-6);
    }
}
