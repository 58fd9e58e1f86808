package dev.ebb.scaler.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LiveLogTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private static LiveSample sample(String workload, int second, long lag, LiveSample.Change change) {
        return new LiveSample(T0.plusSeconds(second), workload, OptionalLong.of(lag), OptionalDouble.of(1234.4),
                OptionalDouble.empty(), Optional.of(Duration.ofMillis(2500)), 3, change == LiveSample.Change.NONE ? 3 : 1,
                "SCALE_UP", "lag " + lag + " -> 3", change == LiveSample.Change.SCALED ? "scaled 1 -> 3" : "unchanged",
                change);
    }

    @Test
    void returnsOnlyEntriesAfterASequenceNumber() {
        LiveLog log = new LiveLog(10);
        log.record(sample("a", 1, 10, LiveSample.Change.NONE));
        log.annotate(T0.plusSeconds(2), "burst");
        log.record(sample("b", 3, 20, LiveSample.Change.SCALED));

        LiveLog.Snapshot all = log.since(0);
        LiveLog.Snapshot later = log.since(2);

        assertThat(all.lastSeq()).isEqualTo(3);
        assertThat(all.samples()).hasSize(2);
        assertThat(all.decisions()).extracting(s -> s.sample().workload()).containsExactly("b");
        assertThat(all.annotations()).extracting(LiveLog.Annotation::text).containsExactly("burst");
        assertThat(later.samples()).extracting(LiveLog.Sampled::seq).containsExactly(3L);
        assertThat(later.annotations()).isEmpty();
    }

    @Test
    void keepsOnlyTheNewestSamplesPerWorkload() {
        LiveLog log = new LiveLog(3);
        for (int i = 0; i < 5; i++) {
            log.record(sample("a", i, i, LiveSample.Change.NONE));
        }
        log.record(sample("b", 9, 99, LiveSample.Change.NONE));

        assertThat(log.samples("a")).extracting(s -> s.lag().getAsLong()).containsExactly(2L, 3L, 4L);
        assertThat(log.samples("b")).hasSize(1);
    }

    @Test
    void tellsSubscribersUntilTheyUnsubscribe() {
        LiveLog log = new LiveLog(10);
        List<Long> seen = new ArrayList<>();
        Runnable unsubscribe = log.subscribe(e -> seen.add(e.seq()));

        log.record(sample("a", 1, 1, LiveSample.Change.NONE));
        unsubscribe.run();
        log.record(sample("a", 2, 2, LiveSample.Change.NONE));

        assertThat(seen).containsExactly(1L);
    }

    @Test
    void terminalLineShowsRatesLagReplicasAndTheReasonWhenItChanges() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalView view = new TerminalView(new PrintStream(bytes, true, StandardCharsets.UTF_8), ZoneOffset.UTC);
        LiveLog log = new LiveLog(10);
        view.attach(log);

        log.record(sample("orders", 1, 12_400, LiveSample.Change.SCALED));
        log.record(sample("orders", 2, 12_400, LiveSample.Change.NONE));
        log.annotate(T0.plusSeconds(3), "ramp");

        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines[0]).contains("10:00:01 orders").contains("in 1,234/s").contains("lag   12,400")
                .contains("time lag   2.5s").contains("replicas 3/1").contains("▶ scaled 1 -> 3")
                .contains("SCALE_UP: lag 12400 -> 3");
        assertThat(lines[1]).contains("replicas 3/3").doesNotContain("SCALE_UP");
        assertThat(lines[2]).contains("10:00:03 ── ramp ──");
    }
}
