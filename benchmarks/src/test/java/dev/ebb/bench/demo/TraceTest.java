package dev.ebb.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceTest {

    private static final Trace TRACE = new Trace("t", List.of(
            new Trace.Phase("idle", Duration.ofSeconds(10), 0, 0),
            new Trace.Phase(Trace.BURST, Duration.ofSeconds(2), 1000, 1000),
            new Trace.Phase("ramp", Duration.ofSeconds(10), 0, 100)));

    @Test
    void countsRecordsAsTheAreaUnderTheRate() {
        assertThat(TRACE.recordsBy(Duration.ofSeconds(5))).isZero();
        assertThat(TRACE.recordsBy(Duration.ofSeconds(11))).isCloseTo(1000, within(1e-9));
        assertThat(TRACE.recordsBy(Duration.ofSeconds(12))).isCloseTo(2000, within(1e-9));
        assertThat(TRACE.recordsBy(Duration.ofSeconds(17))).isCloseTo(2000 + 125, within(1e-9));
        assertThat(TRACE.recordsBy(Duration.ofSeconds(99))).isCloseTo(2500, within(1e-9));
        assertThat(TRACE.totalRecords()).isCloseTo(2500, within(1e-9));
    }

    @Test
    void findsPhasesByTime() {
        assertThat(TRACE.phaseAt(Duration.ofMillis(9999)).orElseThrow().name()).isEqualTo("idle");
        assertThat(TRACE.phaseAt(Duration.ofSeconds(10)).orElseThrow().name()).isEqualTo(Trace.BURST);
        assertThat(TRACE.phaseAt(Duration.ofSeconds(22))).isEmpty();
        assertThat(TRACE.startOf("ramp")).contains(Duration.ofSeconds(12));
        assertThat(TRACE.length()).isEqualTo(Duration.ofSeconds(22));
    }

    @Test
    void scalingKeepsRatesAndStretchesPhases() {
        Trace doubled = TRACE.scaledTo(Duration.ofSeconds(44));

        assertThat(doubled.length()).isEqualTo(Duration.ofSeconds(44));
        assertThat(doubled.phases().get(1).startRate()).isEqualTo(1000);
        assertThat(doubled.totalRecords()).isCloseTo(5000, within(1e-6));
    }

    @Test
    void builtInTracesGoIdleBurstRampIdle() {
        for (String name : List.of("short", "demo")) {
            Trace t = Trace.named(name, 100);
            List<Trace.Phase> phases = t.phases();
            assertThat(phases.get(0).startRate()).isZero();
            assertThat(phases.get(phases.size() - 1).endRate()).isZero();
            assertThat(t.startOf(Trace.BURST)).isPresent();
            assertThat(phases).anySatisfy(p -> assertThat(p.endRate()).isGreaterThan(p.startRate()));
        }
        assertThat(Trace.named("short", 100).length()).isLessThanOrEqualTo(Duration.ofSeconds(60));
        assertThatThrownBy(() -> Trace.named("nope", 1)).hasMessageContaining("Invalid value 'nope' for --trace");
    }

    @Test
    void rejectsBadPhases() {
        assertThatThrownBy(() -> new Trace.Phase("x", Duration.ZERO, 1, 1)).hasMessageContaining("must be > 0");
        assertThatThrownBy(() -> new Trace.Phase("x", Duration.ofSeconds(1), -1, 1)).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> new Trace("x", List.of())).hasMessageContaining("at least one phase");
    }
}
