package dev.ebb.bench.sim;

import java.time.Duration;

/** The simulator's durations: read with Ebb's one grammar; written in the short form its reports have always used. */
final class Durations {

    private Durations() {
    }

    /** Ebb's one duration grammar ({@link dev.ebb.common.Durations}): {@code 100ms}, {@code 2.5s}, {@code 1h30m}. */
    static Duration parse(String name, String text) {
        return dev.ebb.common.Durations.parse(name, text == null ? null : text.trim());
    }

    static String format(Duration d) {
        long millis = d.toMillis();
        if (millis % 1000 == 0) {
            return (millis / 1000) + "s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        return (millis / 1000.0) + "s";
    }
}
