package dev.ebb.bench.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options {@code ebb demo} and {@code ebb pipeline} share (a picocli mixin): the load trace, one worker's speed,
 * the scaler's poll interval, the live view and where the summary goes.
 */
public final class LiveRunOptions {

    @Option(names = "--short", description = "about a minute (trace \"short\"); the default trace \"demo\" takes "
            + "~3.5 min")
    boolean shortTrace;
    @Option(names = "--trace", paramLabel = "NAME", description = "short | demo | burst (default demo)")
    String trace;
    @Option(names = "--duration", paramLabel = "D", description = "stretch or shrink the trace to this length, e.g. "
            + "90s, 5m")
    String duration;
    @Option(names = "--worker-rate", paramLabel = "N", description = "records/s one worker handles (artificial "
            + "cost; default 100)")
    String workerRate = "100";
    @Option(names = "--poll", paramLabel = "D", description = "scaler poll interval (default 1s)")
    String poll = "1s";
    @Option(names = "--no-browser", description = "serve the live page but do not open a browser")
    boolean noBrowser;
    @Option(names = "--headless", description = "no web page, terminal output only")
    boolean headless;
    @Option(names = "--port", paramLabel = "N", description = "port of the live page, 0 = any free port (default "
            + "7780)")
    String port = "7780";
    @Option(names = "--out", paramLabel = "DIR", description = "where the summary goes (default "
            + "ebb-<command>/<date-time>)")
    Path out;

    /** The checked values; every problem is added to {@code problems}. */
    record Checked(String trace, Optional<Duration> duration, double workerRate, Duration poll, DemoOptions.View view,
                   int port) {
    }

    Checked check(List<String> problems) {
        String name = trace != null ? trace : shortTrace ? "short" : "demo";
        if (trace != null && !List.of("short", "demo", "burst").contains(trace)) {
            problems.add("Invalid value '" + trace + "' for --trace: must be short, demo or burst");
        }
        Optional<Duration> length = Optional.empty();
        if (duration != null) {
            length = Optional.ofNullable(positive(problems, "--duration", duration));
        }
        double rate = 100;
        try {
            rate = Double.parseDouble(workerRate);
            if (!(rate > 0 && rate <= 100_000)) {
                problems.add("Invalid value " + workerRate + " for --worker-rate: must be > 0 and <= 100000");
            }
        } catch (NumberFormatException e) {
            problems.add("Invalid value '" + workerRate + "' for --worker-rate: must be a number");
        }
        Duration every = positive(problems, "--poll", poll);
        int p = intBetween(problems, "--port", port, 0, 65535, 7780);
        DemoOptions.View view = headless ? DemoOptions.View.HEADLESS : noBrowser ? DemoOptions.View.NO_BROWSER
                : DemoOptions.View.BROWSER;
        return new Checked(name, length, rate, every == null ? Duration.ofSeconds(1) : every, view, p);
    }

    /** {@code --out}, else {@code base/<date-time>}. */
    Path out(String base) {
        return out != null ? out : Path.of(base, LocalDateTime.now().format(
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /** A whole number from {@code min} to {@code max}; on a problem, {@code fallback}. */
    static int intBetween(List<String> problems, String option, String value, int min, int max, int fallback) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min || n > max) {
                problems.add("Invalid value " + n + " for " + option + ": must be >= " + min + " and <= " + max);
                return fallback;
            }
            return n;
        } catch (NumberFormatException e) {
            problems.add("Invalid value '" + value + "' for " + option + ": must be a number");
            return fallback;
        }
    }

    /** A duration > 0, or null after adding the problem. */
    static Duration positive(List<String> problems, String option, String value) {
        try {
            Duration d = DemoOptions.parseDuration(option, value);
            if (d.isZero() || d.isNegative()) {
                problems.add("Invalid value '" + value + "' for " + option + ": must be > 0");
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }
}
