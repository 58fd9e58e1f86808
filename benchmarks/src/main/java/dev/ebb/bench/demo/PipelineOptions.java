package dev.ebb.bench.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The options of {@code ebb pipeline}. Parsing reports every bad argument at once. */
public record PipelineOptions(String trace, Optional<Duration> duration, int partitions, double workerRate,
                              Duration pollInterval, int maxReplicas, DemoOptions.View view, int port, Path out) {

    public static final String USAGE = """
            Usage: ebb pipeline [options]

            An event pipeline of three SDK functions, each its own consumer group and ScaledWorkload:
              ingest  (orders-raw -> orders)            validates and normalizes raw orders
              enrich  (orders -> orders-enriched)       the example OrderEnricher
              store   (orders-enriched -> nothing)      stores every order
            Starts a Kafka broker, the three topics and the Ebb scaler in local mode (every stage from zero, in
            threads), drives a load trace into orders-raw and shows live how each stage scales on its own backlog:
            in the terminal and on a web page. At the end it prints per stage the peak replicas and the records
            processed, and checks that every record produced reached the store (0 lost).

            Options:
              --short                 about a minute (trace "short"); the default trace "demo" takes ~3.5 min
              --trace NAME            short | demo | burst                               (default demo)
              --duration D            stretch or shrink the trace to this length, e.g. 90s, 5m
              --partitions N          partitions of each topic                           (default 4)
              --worker-rate N         records/s one worker of a stage handles            (default 100)
              --poll D                scaler poll interval                               (default 1s)
              --max-replicas N        upper bound of each stage's workers                (default partitions)
              --no-browser            serve the live page but do not open a browser
              --headless              no web page, terminal output only
              --port N                port of the live page, 0 = any free port          (default 7780)
              --out DIR               where the summary goes        (default ebb-pipeline/<date-time>)
              --help                  this text
            """;

    /** Parses arguments; throws {@link IllegalArgumentException} naming every bad one. */
    public static PipelineOptions parse(String[] args) {
        String trace = "demo";
        Optional<Duration> duration = Optional.empty();
        int partitions = 4;
        double workerRate = 100;
        Duration poll = Duration.ofSeconds(1);
        Integer maxReplicas = null;
        DemoOptions.View view = DemoOptions.View.BROWSER;
        int port = 7780;
        Path out = Path.of("ebb-pipeline",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
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
                case "--trace", "--duration", "--partitions", "--worker-rate", "--poll", "--max-replicas", "--port",
                        "--out" -> true;
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
                    case "--partitions" -> partitions = intBetween("--partitions", value, 1, 64);
                    case "--worker-rate" -> {
                        workerRate = Double.parseDouble(value);
                        if (!(workerRate > 0 && workerRate <= 100_000)) {
                            problems.add("Invalid value " + value + " for --worker-rate: must be > 0 and <= 100000");
                        }
                    }
                    case "--poll" -> poll = positive("--poll", value);
                    case "--max-replicas" -> maxReplicas = intBetween("--max-replicas", value, 1, 64);
                    case "--no-browser" -> view = DemoOptions.View.NO_BROWSER;
                    case "--headless" -> view = DemoOptions.View.HEADLESS;
                    case "--port" -> port = intBetween("--port", value, 0, 65535);
                    case "--out" -> out = Path.of(value);
                    case "--help", "-h" -> throw new DemoOptions.HelpRequested();
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
        return new PipelineOptions(trace, duration, partitions, workerRate, poll,
                maxReplicas != null ? maxReplicas : partitions, view, port, out);
    }

    private static int intBetween(String option, String value, int min, int max) {
        int n = Integer.parseInt(value.trim());
        if (n < min || n > max) {
            throw new IllegalArgumentException("Invalid value " + n + " for " + option + ": must be >= " + min
                    + " and <= " + max);
        }
        return n;
    }

    private static Duration positive(String option, String value) {
        Duration d = DemoOptions.parseDuration(option, value);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("Invalid value '" + value + "' for " + option + ": must be > 0");
        }
        return d;
    }
}
