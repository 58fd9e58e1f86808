package dev.ebb.bench.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The options of {@code ebb demo}. Parsing reports every bad argument at once. */
public record DemoOptions(String trace, Optional<Duration> duration, String mode, int partitions, Workers workers,
                          double workerRate, Duration pollInterval, View view, int port, Path out, int maxReplicas,
                          Group group) {

    public enum Workers { THREADS, PROCESS }

    /** What the workers join: a consumer group (capped at the partition count) or a share group (queue, KIP-932). */
    public enum Group { CONSUMER, SHARE }

    /** With {@code --share-group}: 4 partitions and up to 4 workers per partition, unless given. */
    static final int SHARE_GROUP_PARTITIONS = 4;
    static final int SHARE_GROUP_WORKERS_PER_PARTITION = 4;

    /** {@code BROWSER}: serve the page and open it; {@code NO_BROWSER}: serve it only; {@code HEADLESS}: no page. */
    public enum View { BROWSER, NO_BROWSER, HEADLESS }

    public static final String USAGE = """
            Usage: ebb demo [options]

            Starts a Kafka broker, a topic and the Ebb scaler in local mode with the SDK's example function as
            workers (from zero), drives a load trace (idle, burst, ramp, idle) and shows live what the scaler
            decides: in the terminal and on a web page. At the end it prints and writes a summary.

            Options:
              --short                 about a minute (trace "short"); the default trace "demo" takes ~3.5 min
              --trace NAME            short | demo | burst                               (default demo)
              --duration D            stretch or shrink the trace to this length, e.g. 90s, 5m
              --mode M                drain | threshold                                  (default drain)
              --partitions N          partitions of the input topic                      (default 8)
              --workers W             threads | process                                  (default threads)
              --worker-rate N         records/s one worker handles (artificial cost)     (default 100)
              --poll D                scaler poll interval                               (default 1s)
              --max-replicas N        upper bound of the workers                         (default partitions)
              --share-group           the workers share a queue (KIP-932 share group) instead of a consumer
                                      group, so they scale past the partition count (default 4 partitions,
                                      max-replicas 4 x partitions)
              --no-browser            serve the live page but do not open a browser
              --headless              no web page, terminal output only
              --port N                port of the live page, 0 = any free port          (default 7780)
              --out DIR               where the summary goes        (default ebb-demo/<date-time>)
              --help                  this text
            """;

    /** Parses arguments; throws {@link IllegalArgumentException} naming every bad one. */
    public static DemoOptions parse(String[] args) {
        String trace = "demo";
        Optional<Duration> duration = Optional.empty();
        String mode = "drain";
        Integer partitionsGiven = null;
        Group group = Group.CONSUMER;
        Workers workers = Workers.THREADS;
        double workerRate = 100;
        Duration poll = Duration.ofSeconds(1);
        View view = View.BROWSER;
        int port = 7780;
        Path out = Path.of("ebb-demo", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Integer maxReplicas = null;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            boolean needsValue = switch (arg) {
                case "--trace", "--duration", "--mode", "--partitions", "--workers", "--worker-rate", "--poll",
                        "--max-replicas", "--port", "--out" -> true;
                default -> false;
            };
            if (needsValue && value == null) {
                if (i + 1 >= args.length) {
                    problems.add("Missing value for " + arg);
                    continue;
                }
                value = args[++i];
            }
            try {
                switch (arg) {
                    case "--short" -> trace = "short";
                    case "--trace" -> {
                        if (!List.of("short", "demo", "burst").contains(value)) {
                            problems.add("Invalid value '" + value + "' for --trace: must be short, demo or burst");
                        }
                        trace = value;
                    }
                    case "--duration" -> duration = Optional.of(positive("--duration", value));
                    case "--mode" -> {
                        if (!List.of("drain", "threshold").contains(value)) {
                            problems.add("Invalid value '" + value + "' for --mode: must be drain or threshold");
                        }
                        mode = value;
                    }
                    case "--partitions" -> partitionsGiven = intAtLeast("--partitions", value, 1);
                    case "--share-group" -> group = Group.SHARE;
                    case "--workers" -> {
                        switch (value) {
                            case "threads", "thread" -> workers = Workers.THREADS;
                            case "process", "processes" -> workers = Workers.PROCESS;
                            default -> problems.add("Invalid value '" + value
                                    + "' for --workers: must be threads or process");
                        }
                    }
                    case "--worker-rate" -> {
                        workerRate = Double.parseDouble(value);
                        if (!(workerRate > 0 && workerRate <= 100_000)) {
                            problems.add("Invalid value " + value + " for --worker-rate: must be > 0 and <= 100000");
                        }
                    }
                    case "--poll" -> poll = positive("--poll", value);
                    case "--max-replicas" -> maxReplicas = intAtLeast("--max-replicas", value, 1);
                    case "--no-browser" -> view = View.NO_BROWSER;
                    case "--headless" -> view = View.HEADLESS;
                    case "--port" -> {
                        port = intAtLeast("--port", value, 0);
                        if (port > 65535) {
                            problems.add("Invalid value " + value + " for --port: must be <= 65535");
                        }
                    }
                    case "--out" -> out = Path.of(value);
                    case "--help", "-h" -> throw new HelpRequested();
                    default -> problems.add("Unknown option " + arg);
                }
            } catch (NumberFormatException e) {
                problems.add("Invalid value '" + value + "' for " + arg + ": must be a number");
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        boolean share = group == Group.SHARE;
        int partitions = partitionsGiven != null ? partitionsGiven : share ? SHARE_GROUP_PARTITIONS : 8;
        int max = maxReplicas != null ? maxReplicas : share ? partitions * SHARE_GROUP_WORKERS_PER_PARTITION
                : partitions;
        return new DemoOptions(trace, duration, mode, partitions, workers, workerRate, poll, view, port, out, max,
                group);
    }

    /** Thrown by {@link #parse} for {@code --help}. */
    public static final class HelpRequested extends RuntimeException {
        public HelpRequested() {
            super("help", null, false, false);
        }
    }

    private static int intAtLeast(String option, String value, int min) {
        int n = Integer.parseInt(value.trim());
        if (n < min) {
            throw new IllegalArgumentException("Invalid value " + n + " for " + option + ": must be >= " + min);
        }
        return n;
    }

    /** Ebb's one duration grammar ({@link dev.ebb.common.Durations}): "90s", "1500ms", "1.5s", "1m30s". */
    public static Duration parseDuration(String option, String value) {
        return dev.ebb.common.Durations.parse(option, value == null ? null : value.trim());
    }

    private static Duration positive(String option, String value) {
        Duration d = parseDuration(option, value);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("Invalid value '" + value + "' for " + option + ": must be > 0");
        }
        return d;
    }
}
