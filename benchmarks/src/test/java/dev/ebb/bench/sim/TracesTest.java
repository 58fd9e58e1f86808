package dev.ebb.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TracesTest {

    private final SimSettings settings = SimSettings.standard();

    @Test
    void batchDumpsThreeMillionRecordsFromZeroReplicas() {
        Trace batch = Traces.byName("batch", settings);
        assertThat(batch.totalRecords()).isCloseTo(3_000_000, offset(1.0));
        assertThat(batch.initialReplicas()).isZero();
    }

    @Test
    void burstsAreReproducibleForASeed() {
        Trace a = Traces.byName("bursts", settings);
        Trace b = Traces.byName("bursts", settings);
        Trace c = Traces.byName("bursts", settings.withSeed(7));
        assertThat(b.rates()).containsExactly(a.rates());
        assertThat(c.rates()).isNotEqualTo(a.rates());
    }

    @Test
    void arrivalTimeInvertsTheCumulativeArrivals() {
        Trace step = Traces.byName("step", settings);
        double[] cumulative = step.cumulative();
        // 500/s for 300 s: record 1,000 arrived at 2 s; the first record of the step at 300 s
        assertThat(Trace.arrivalTime(cumulative, step.stepSeconds(), 1000)).isCloseTo(2.0, offset(1e-9));
        assertThat(Trace.arrivalTime(cumulative, step.stepSeconds(), 150_000)).isCloseTo(300.0, offset(1e-9));
        assertThat(Trace.cumulativeAt(cumulative, step.stepSeconds(), 301)).isCloseTo(156_000, offset(1e-6));
    }

    @Test
    void replaysACsvTraceWithHeaderAndComments(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("my trace.csv");
        Files.writeString(csv, "# from production\nseconds,records_per_second\n0,100\n60,2000\n90,100\n");
        Trace trace = Traces.fromCsv(csv, settings);

        assertThat(trace.name()).isEqualTo("my_trace");
        assertThat(trace.burstStart().getAsDouble()).isEqualTo(60);
        assertThat(trace.burstRate()).isEqualTo(2000);
        // 60 s x 100 + 30 s x 2,000 + the last row held for one average interval (45 s) x 100
        assertThat(trace.totalRecords()).isCloseTo(6000 + 60_000 + 4500, offset(150.0));
        assertThat(trace.durationSeconds()).isEqualTo(690);
    }

    @Test
    void reportsEveryBadCsvLineAtOnce(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "0,100\n10,-5\n0,100\n20\n30,abc\n");
        assertThatThrownBy(() -> Traces.fromCsv(csv, settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2: Invalid value -5 for records_per_second: must be >= 0")
                .hasMessageContaining("line 3: Invalid value 0 for seconds: must be greater than the previous row's")
                .hasMessageContaining("line 4: expected 'seconds,records_per_second'")
                .hasMessageContaining("line 5: not a number");
    }
}
