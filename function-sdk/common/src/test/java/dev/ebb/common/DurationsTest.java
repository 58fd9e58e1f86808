package dev.ebb.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The corpus of the one duration grammar: what it reads, what it refuses, and that the schema pattern agrees. */
class DurationsTest {

    record Accepted(String text, Duration expected) {
        @Override
        public String toString() {
            return text;
        }
    }

    static Stream<Accepted> accepted() {
        return Stream.of(
                new Accepted("0", Duration.ZERO),
                new Accepted("0s", Duration.ZERO),
                new Accepted("0ms", Duration.ZERO),
                new Accepted("1ns", Duration.ofNanos(1)),
                new Accepted("250us", Duration.ofNanos(250_000)),
                new Accepted("500ms", Duration.ofMillis(500)),
                new Accepted("1.5ms", Duration.ofNanos(1_500_000)),
                new Accepted("1s", Duration.ofSeconds(1)),
                new Accepted("1.5s", Duration.ofMillis(1500)),
                new Accepted("90s", Duration.ofSeconds(90)),
                new Accepted("5m", Duration.ofMinutes(5)),
                new Accepted("2.5m", Duration.ofSeconds(150)),
                new Accepted("24h", Duration.ofHours(24)),
                new Accepted("1h30m", Duration.ofMinutes(90)),
                new Accepted("1h30m15s500ms", Duration.ofMillis(5_415_500)),
                new Accepted("1m1m", Duration.ofMinutes(2)),
                new Accepted("1.0000000009s", Duration.ofSeconds(1)),
                new Accepted("2562047h47m16.854775807s", Duration.ofNanos(Long.MAX_VALUE)),
                // Beyond Go's int64 nanoseconds: read, so that a field's own bound names the problem.
                new Accepted("2562047h47m16.854775808s", Duration.ofNanos(Long.MAX_VALUE).plusNanos(1)),
                new Accepted("9999999999h", Duration.ofHours(9_999_999_999L)));
    }

    static Stream<String> refused() {
        return Stream.of("", " ", "5", "12", "s", "-5s", "+5s", ".5s", "5.s", "5 s", " 5s", "5s ", "5S", "5M", "1d",
                "1w", "5sec", "5 minutes", "PT5S", "pt1h", "P1D", "1h-30m", "1e3s", "1,5s", "0x10s", "5s\n",
                "99999999999999999999h", "00", "250µs");
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void readsEveryAcceptedForm(Accepted c) {
        assertThat(Durations.parse("f", c.text())).isEqualTo(c.expected());
        assertThat(Pattern.matches(Durations.PATTERN, c.text())).as("schema pattern accepts " + c.text()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refusesWithAMessageNamingFieldValueAndGrammar(String text) {
        assertThatThrownBy(() -> Durations.parse("EBB_COMMIT_INTERVAL", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid value '")
                .hasMessageContaining(" for EBB_COMMIT_INTERVAL: must be")
                .hasMessageContaining("a duration such as 500ms, 30s, 5m or 1h30m");
    }

    @Test
    void patternRefusesWhatParseRefusesExceptTheOverflow() {
        // The schema cannot bound a sum; everything else it refuses exactly as parse does.
        refused().filter(t -> !t.equals("99999999999999999999h"))
                .forEach(t -> assertThat(Pattern.matches(Durations.PATTERN, t)).as("pattern refuses '" + t + "'")
                        .isFalse());
    }

    @Test
    void refusesNullNamingTheField() {
        assertThatThrownBy(() -> Durations.parse("drainWithin", null))
                .hasMessageStartingWith("Invalid value null for drainWithin: must be a duration");
    }

    @Test
    void messageShowsControlCharactersEscapedOnOneLine() {
        assertThatThrownBy(() -> Durations.parse("x", "5s\nFAKE LOG LINE"))
                .hasMessageContaining("'5s\\u000aFAKE LOG LINE'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void parseWithoutAFieldNamesTheValue() {
        assertThatThrownBy(() -> Durations.parse("5 minutes")).hasMessageStartingWith("Invalid value '5 minutes': must be");
    }

    record Formatted(Duration d, String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    static Stream<Formatted> formatted() {
        return Stream.of(
                new Formatted(Duration.ZERO, "0s"),
                new Formatted(Duration.ofNanos(1), "1ns"),
                new Formatted(Duration.ofNanos(1500), "1.5us"),
                new Formatted(Duration.ofMillis(500), "500ms"),
                new Formatted(Duration.ofNanos(1_500_000), "1.5ms"),
                new Formatted(Duration.ofMillis(1500), "1.5s"),
                new Formatted(Duration.ofSeconds(90), "1m30s"),
                new Formatted(Duration.ofMinutes(5), "5m"),
                new Formatted(Duration.ofMinutes(90), "1h30m"),
                new Formatted(Duration.ofHours(24), "24h"),
                new Formatted(Duration.ofMillis(3_600_001), "1h0.001s"),
                new Formatted(Duration.ofSeconds(-5), "-5s"),
                new Formatted(Duration.ofNanos(Long.MAX_VALUE), "2562047h47m16.854775807s"));
    }

    @ParameterizedTest
    @MethodSource("formatted")
    void formatsTheShortestFormParseReadsBack(Formatted c) {
        assertThat(Durations.format(c.d())).isEqualTo(c.text());
        if (!c.d().isNegative()) {
            assertThat(Durations.parse(c.text())).isEqualTo(c.d());
        }
    }

    @Test
    void everyAcceptedDurationRoundTrips() {
        accepted().forEach(c -> assertThat(Durations.parse(Durations.format(c.expected()))).isEqualTo(c.expected()));
    }

    @Test
    void theSdksCommitDefaultIsCoveredByThePolicysAssumption() {
        Duration sdk = Durations.parse(CommitIntervals.SDK_DEFAULT);
        Duration policy = Durations.parse(CommitIntervals.POLICY_DEFAULT);
        assertThat(sdk).isPositive().isLessThanOrEqualTo(policy);
    }
}
