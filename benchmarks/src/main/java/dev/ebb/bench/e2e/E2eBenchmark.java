package dev.ebb.bench.e2e;

import dev.ebb.bench.demo.DemoCommand;
import dev.ebb.bench.demo.DemoOptions;
import dev.ebb.bench.demo.DemoRun;
import dev.ebb.bench.demo.DemoSummary;
import dev.ebb.bench.demo.Trace;
import dev.ebb.scaler.local.LiveLog;
import dev.ebb.scaler.local.TerminalView;
import dev.ebb.testkit.KafkaBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The live end-to-end benchmark: one burst on a real broker, real worker processes (the SDK's example function),
 * scaled by the real scaler loop in local mode — once with Ebb's drain mode at 1 s polling, once with KEDA-like
 * settings (threshold mode, KEDA's defaults: 30 s polling, lagThreshold 10, 300 s cooldown, 300 s scale-down
 * stabilization) — in the same run. Measures the time from the burst to the first scale-up request, the time until
 * the burst's backlog is drained, replica-seconds and lost records. Writes {@code e2e.md} and {@code e2e.json}.
 */
public final class E2eBenchmark {

    static final String USAGE = """
            Usage: ebb bench-e2e [options]   (class dev.ebb.bench.e2e.E2eBenchmark)

            One burst on a real Kafka broker with real worker processes, scaled once by Ebb's drain mode and once
            with KEDA-like settings, in the same run. Writes e2e.md and e2e.json.

            Options:
              --burst N              records in the burst (sent within 2 s)          (default 12000)
              --worker-rate N        records/s one worker process handles            (default 200)
              --partitions N         partitions of the input topic                   (default 8)
              --observe D            how long to watch after the backlog drained     (default 45s)
              --keda-cooldown D      KEDA-like cooldown and stabilization            (default 300s)
              --workers W            process | threads                               (default process)
              --only M               run only ebb or keda
              --out DIR              where e2e.md/json go                 (default benchmarks/results)
              --help                 this text
            """;

    private E2eBenchmark() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    record Options(long burst, double workerRate, int partitions, Duration observe, Duration kedaCooldown,
                   DemoOptions.Workers workers, List<String> only, Path out) {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (DemoOptions.HelpRequested e) {
            out.print(USAGE);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println("Run with --help for the options.");
            return 2;
        }
        DemoCommand.quietLogs();
        try {
            return execute(options, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } catch (Exception e) {
            err.println("Benchmark failed: " + e);
            return 1;
        }
    }

    static Options parse(String[] args) {
        long burst = 12_000;
        double rate = 200;
        int partitions = 8;
        Duration observe = Duration.ofSeconds(45);
        Duration kedaCooldown = Duration.ofSeconds(300);
        DemoOptions.Workers workers = DemoOptions.Workers.PROCESS;
        List<String> only = List.of("ebb", "keda");
        Path out = Path.of("benchmarks", "results");
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new DemoOptions.HelpRequested();
            }
            if (i + 1 >= args.length) {
                problems.add(arg.startsWith("--") ? "Missing value for " + arg : "Unknown argument " + arg);
                continue;
            }
            String value = args[++i];
            try {
                switch (arg) {
                    case "--burst" -> {
                        burst = Long.parseLong(value);
                        if (burst < 1) {
                            problems.add("Invalid value " + value + " for --burst: must be >= 1");
                        }
                    }
                    case "--worker-rate" -> {
                        rate = Double.parseDouble(value);
                        if (!(rate > 0)) {
                            problems.add("Invalid value " + value + " for --worker-rate: must be > 0");
                        }
                    }
                    case "--partitions" -> {
                        partitions = Integer.parseInt(value);
                        if (partitions < 1) {
                            problems.add("Invalid value " + value + " for --partitions: must be >= 1");
                        }
                    }
                    case "--observe" -> observe = DemoOptions.parseDuration("--observe", value);
                    case "--keda-cooldown" -> kedaCooldown = DemoOptions.parseDuration("--keda-cooldown", value);
                    case "--workers" -> workers = switch (value) {
                        case "process", "processes" -> DemoOptions.Workers.PROCESS;
                        case "threads", "thread" -> DemoOptions.Workers.THREADS;
                        default -> throw new IllegalArgumentException("Invalid value '" + value
                                + "' for --workers: must be process or threads");
                    };
                    case "--only" -> {
                        if (!List.of("ebb", "keda").contains(value)) {
                            problems.add("Invalid value '" + value + "' for --only: must be ebb or keda");
                        }
                        only = List.of(value);
                    }
                    case "--out" -> out = Path.of(value);
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
        return new Options(burst, rate, partitions, observe, kedaCooldown, workers, only, out);
    }

    /** One configuration measured. */
    record Measured(String name, String settings, DemoSummary summary, double projectedReplicaSeconds,
                    String projection, Optional<Duration> burstSentIn) {
    }

    static int execute(Options options, PrintStream out) throws Exception {
        Trace trace = new Trace("e2e-burst", List.of(
                new Trace.Phase("idle", Duration.ofSeconds(10), 0, 0),
                new Trace.Phase(Trace.BURST, Duration.ofSeconds(2), options.burst() / 2.0, options.burst() / 2.0),
                new Trace.Phase("idle", Duration.ofMinutes(15), 0, 0)));
        String loadBefore = loadAverage();
        Path work = Files.createTempDirectory("ebb-e2e-");
        List<Measured> results = new ArrayList<>();
        out.println("Starting a Kafka broker (KRaft, in a child JVM)...");
        try (KafkaBroker broker = KafkaBroker.start()) {
            if (options.only().contains("ebb")) {
                Map<String, Object> ebb = new LinkedHashMap<>();
                ebb.put("drainWithin", Duration.ofSeconds(20));
                ebb.put("perReplicaRate", options.workerRate());
                ebb.put("readyDelay", Duration.ofSeconds(5));
                ebb.put("cooldown", Duration.ofSeconds(30));
                ebb.put("scaleDownWindow", Duration.ofSeconds(15));
                ebb.put("rebalanceGrace", Duration.ofSeconds(10));
                ebb.put("commitInterval", Duration.ofSeconds(1));
                results.add(measure(broker, options, trace, work, "Ebb drain mode", "ebb", Duration.ofSeconds(1),
                        new DemoRun.Policy("drain", 0, options.partitions(), ebb), Duration.ofSeconds(30), out));
            }
            if (options.only().contains("keda")) {
                Map<String, Object> keda = new LinkedHashMap<>();
                keda.put("lagThreshold", 10);
                keda.put("cooldown", options.kedaCooldown());
                keda.put("scaleDownWindow", options.kedaCooldown());
                keda.put("tolerance", 0.1);
                results.add(measure(broker, options, trace, work, "KEDA-like (threshold mode)", "keda",
                        Duration.ofSeconds(30), new DemoRun.Policy("threshold", 0, options.partitions(), keda),
                        options.kedaCooldown(), out));
            }
        }
        String loadAfter = loadAverage();
        Files.createDirectories(options.out());
        String md = markdown(options, results, loadBefore, loadAfter);
        Files.writeString(options.out().resolve("e2e.md"), md);
        Files.writeString(options.out().resolve("e2e.json"), json(options, results, loadBefore, loadAfter)
                .encodePrettily() + "\n");
        out.println();
        out.println(md);
        out.println("Wrote " + options.out().resolve("e2e.md") + " and e2e.json");
        return results.stream().allMatch(r -> r.summary().lost() == 0) ? 0 : 1;
    }

    private static Measured measure(KafkaBroker broker, Options options, Trace trace, Path work, String name,
                                    String label, Duration poll, DemoRun.Policy policy, Duration cooldown,
                                    PrintStream out) throws Exception {
        out.printf(Locale.ROOT, "%n== %s: poll every %ss, policy %s %s%n", name, poll.toSeconds(), policy.mode(),
                DemoRun.describe(policy.settings()));
        LiveLog log = new LiveLog(3600);
        Runnable detach = new TerminalView(out).attach(log);
        DemoRun.Result result;
        try {
            DemoRun.Settings settings = new DemoRun.Settings(label + System.currentTimeMillis() % 100_000, trace,
                    policy, options.partitions(), options.workers(), options.workerRate(), poll,
                    Duration.ofMinutes(10), work.resolve(label), Optional.of(options.observe()));
            result = new DemoRun(broker, settings, log, out).run();
        } finally {
            detach.run();
        }
        DemoSummary s = result.summary();
        out.println(s.text());
        // Replicas still up when the observation window closed stay up until the cooldown after the drain passes:
        // that is how both KEDA's cooldownPeriod and the HPA's stabilization window behave with no new backlog.
        double projected = s.replicaSeconds();
        String projection = "measured until replicas reached " + s.minReplicas();
        if (s.finalReplicas() > s.minReplicas() && result.burstStart().isPresent() && s.burstDrained().isPresent()) {
            Instant drained = result.burstStart().get().plus(s.burstDrained().get());
            Instant zeroAt = drained.plus(cooldown);
            double more = Math.max(0, Duration.between(s.end(), zeroAt).toMillis() / 1000.0);
            projected += s.finalReplicas() * more;
            projection = String.format(Locale.ROOT, "measured %.0f s after the drain, then %d replicas held until "
                    + "drain + %ds (cooldown), projected", Duration.between(drained, s.end()).toMillis() / 1000.0,
                    s.finalReplicas(), cooldown.toSeconds());
        }
        String settingsText = policy.mode() + " mode, poll " + poll.toSeconds() + "s, "
                + DemoRun.describe(policy.settings());
        Optional<Duration> sentIn = result.burstStart().flatMap(b -> result.burstSentAt()
                .map(e -> Duration.between(b, e)));
        return new Measured(name, settingsText, s, projected, projection, sentIn);
    }

    static String markdown(Options options, List<Measured> results, String loadBefore, String loadAfter) {
        StringBuilder b = new StringBuilder();
        b.append("# Live end-to-end benchmark\n\n");
        b.append(String.format(Locale.ROOT, "Generated by `dev.ebb.bench.e2e.E2eBenchmark` on %s. One burst of "
                + "%,d records (sent within 2 s after 10 s idle) on a real testkit Kafka broker (KRaft, one node), "
                + "%d partitions, worker %s running the SDK's example function `OrderEnricher` at ~%,.0f records/s "
                + "each, scaled by the real scaler loop in local mode (from 0, max %d). Machine: %d cores, load "
                + "average %s before and %s after.%n%n", Instant.now().toString().substring(0, 16).replace('T', ' '),
                options.burst(), options.partitions(),
                options.workers() == DemoOptions.Workers.PROCESS ? "processes (one JVM each, SIGTERM on scale-down)"
                        : "threads", options.workerRate(), options.partitions(),
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter));
        b.append("| | poll | burst → first scale-up | backlog drained after | peak replicas | replica-seconds "
                + "(measured) | replica-seconds (until back to 0) | produced | processed | lost | duplicated |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Measured m : results) {
            DemoSummary s = m.summary();
            b.append(String.format(Locale.ROOT, "| %s | %ss | %s | %s | %d | %,.0f | %,.0f | %,d | %,d | %d | %d |%n",
                    m.name(), s.pollInterval().toSeconds(),
                    s.burstToFirstScaleUp().map(DemoSummary::seconds).orElse("none"),
                    s.burstDrained().map(DemoSummary::seconds).orElse("not drained"), s.peakReplicas(),
                    s.replicaSeconds(), m.projectedReplicaSeconds(), s.produced(), s.processed(), s.lost(),
                    s.duplicated()));
        }
        b.append("\nSettings:\n\n");
        for (Measured m : results) {
            b.append("- ").append(m.name()).append(": ").append(m.settings()).append(". Replica-seconds: ")
                    .append(m.projection()).append(". The burst's records left the producer within ")
                    .append(m.burstSentIn().map(DemoSummary::seconds).orElse("?")).append(" (2 s planned).\n");
        }
        results.stream().filter(m -> m.summary().mode().equals("drain")).findFirst().ifPresent(m -> {
            Optional<Duration> up = m.summary().burstToFirstScaleUp();
            boolean met = up.isPresent() && up.get().compareTo(Duration.ofMillis(1500)) <= 0;
            b.append(String.format(Locale.ROOT, "%nGoal: first scale-up within 1.5 s of the burst at 1 s polling: "
                    + "**%s** (%s).%n", met ? "met" : "not met", up.map(DemoSummary::seconds).orElse("no scale-up")));
        });
        b.append("""

                How to read it: "burst → first scale-up" runs from the first record of the burst to the moment the
                loop asked the scale target for more replicas (the scale "patch"). "Backlog drained" runs from the
                first record of the burst until the last of its records came out of the workers (read back from
                their output topic, read_committed). Lost = records the broker acknowledged that never came out.
                Duplicates are possible under at-least-once when a partition moves between workers.

                KEDA-like is Ebb's threshold mode with KEDA's defaults (lagThreshold 10, pollingInterval 30 s,
                cooldownPeriod 300 s) plus the HPA's default 300 s scale-down stabilization; the HPA's scale-up rate
                limit (+100 % or +4 pods per 15 s) is not modelled, which flatters KEDA. Its 300 s cooldown is not
                waited out: the run stops a short observation window after the drain and the replicas still up are
                counted until drain + cooldown (the projection column), which is what KEDA and the HPA do when no new
                backlog arrives. Wall-clock numbers depend on the machine; the load average is given above.
                Re-run: `./ebb bench-e2e` (about 5 minutes; `--help` for the options).
                """);
        return b.toString();
    }

    static JsonObject json(Options options, List<Measured> results, String loadBefore, String loadAfter) {
        JsonArray runs = new JsonArray();
        for (Measured m : results) {
            runs.add(m.summary().toJson().put("name", m.name()).put("settings", m.settings())
                    .put("projectedReplicaSeconds", Math.round(m.projectedReplicaSeconds() * 10) / 10.0)
                    .put("projection", m.projection())
                    .put("burstSentSeconds", m.burstSentIn().map(d -> d.toMillis() / 1000.0).orElse(null)));
        }
        return new JsonObject()
                .put("generatedAt", Instant.now().toString())
                .put("burstRecords", options.burst())
                .put("workerRate", options.workerRate())
                .put("partitions", options.partitions())
                .put("workers", options.workers().name().toLowerCase(Locale.ROOT))
                .put("cores", Runtime.getRuntime().availableProcessors())
                .put("loadAverageBefore", loadBefore)
                .put("loadAverageAfter", loadAfter)
                .put("runs", runs);
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
