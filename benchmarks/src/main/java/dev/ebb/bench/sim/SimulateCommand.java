package dev.ebb.bench.sim;

import dev.ebb.scaler.cli.Cli;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ebb simulate}: replays arrival traces through KEDA+HPA (modelled), Ebb's threshold and drain modes (the
 * policy code itself) and the offline oracle, and writes a markdown report and one SVG chart per trace.
 *
 * <p>Size: the command's option parsing and its two flows (trace replay and the share-group comparison) share one Spec
 * and Options; the simulation itself lives in the sim package's other classes.
 */
public final class SimulateCommand {

    @Command(name = "ebb simulate", description = {"Replays arrival traces through KEDA+HPA (modelled: its defaults, "
        + "and the best of a sweep of 60 configurations per trace), Ebb's threshold and drain modes (the scaler's own "
        + "policy code, with wrong priors too) and an offline oracle, on the same model, several runs each (medians), "
        + "and writes <out>/simulation.md (and .json) and <out>/simulation-<trace>.svg. Ebb's priors (--ebb-*) are "
        + "what an operator states; the model settings do not change them. Model defaults are the standard settings "
        + "every published number uses.", ""},
            footer = {"", "Durations: 100ms, 10s, 2.5s, 5m. Exit codes: 0 done, 2 bad arguments, 1 failure."})
    static final class Spec {
        @Option(names = {"-v", "--verbose"}, description = "print every Ebb decision that changed the count, with its "
                + "reason")
        boolean verbose;
        @Option(names = "--no-sweep", description = "leave out the keda-tuned row (60 KEDA configurations per trace)")
        boolean noSweep;
        @Option(names = "--share-group", description = "instead: consumer group vs share group on the queue-burst "
                + "trace (4 partitions whatever --partitions says, a burst needing 16 workers), Ebb drain mode for "
                + "both; writes <out>/simulation-share-group.md")
        boolean shareGroup;
        @Option(names = "--trace", paramLabel = "NAME|all",
                description = "step, spike, ramp, diurnal, bursts, batch, or all (default all)")
        String trace;
        @Option(names = "--csv", paramLabel = "FILE",
                description = "replay your own trace: CSV with columns seconds,records_per_second "
                + "(each rate holds until the next row); replaces --trace")
        String csv;
        @Option(names = "--out", paramLabel = "DIR",
                description = "where results go (default benchmarks/results)")
        String out;
        @Option(names = "--seed", paramLabel = "N",
                description = "seed of the bursts trace and of the first run (default 1)")
        String seed;
        @Option(names = "--runs", paramLabel = "N",
                description = "runs per policy and trace, seeds N, N+1, ...: throughput noise and "
                + "every controller's poll phase are drawn per run; tables show medians "
                + "(default 5)")
        String runs;
        @Option(names = "--sweep-seeds", paramLabel = "N",
                description = "runs per configuration in the keda-tuned sweep (default: --runs, so "
                + "the choice is made with hindsight on exactly the runs reported)")
        String sweepSeeds;
        @Option(names = "--generated", paramLabel = "N",
                description = "generated traces per family (random bursts, ramps, noisy diurnal) on "
                + "fresh seeds, reported apart; with --trace all only (default 3, 0 = "
                + "none)")
        String generated;
        @Option(names = "--acquisition-overhead", paramLabel = "F",
                description = "share group: per-record acquire/acknowledge cost as a fraction of a "
                + "record's service time (default 0.05)")
        String acquisitionOverhead;
        @Option(names = "--ebb-per-replica-rate", paramLabel = "N",
                description = "Ebb's prior: drain mode's perReplicaRate (default 1000)")
        String ebbPerReplicaRate;
        @Option(names = "--ebb-ready-delay", paramLabel = "D",
                description = "Ebb's prior: readyDelay (default 12s)")
        String ebbReadyDelay;
        @Option(names = "--ebb-commit-interval", paramLabel = "D",
                description = "Ebb's prior: commitInterval (default 5s)")
        String ebbCommitInterval;
        @Option(names = "--ebb-scale-down-window", paramLabel = "D",
                description = "Ebb's prior: scaleDownWindow (default: the policy's for each mode, 10s drain, 30s threshold)")
        String ebbScaleDownWindow;
        @Option(names = "--cold-start", paramLabel = "D",
                description = "model: pod start until it can consume (default 10s)")
        String coldStart;
        @Option(names = "--per-replica-rate", paramLabel = "N",
                description = "model: mean records/s per replica (default 1000)")
        String perReplicaRate;
        @Option(names = "--noise", paramLabel = "F",
                description = "model: per-replica throughput noise, +-F of the mean (default 0.1)")
        String noise;
        @Option(names = "--partitions", paramLabel = "N",
                description = "model: partitions; caps a classic group's useful members (default 32)")
        String partitions;
        @Option(names = "--protocol", paramLabel = "P",
                description = "model: classic or consumer (KIP-848) group protocol (default classic)")
        String protocol;
        @Option(names = "--classic-pause", paramLabel = "D",
                description = "model: group pause per membership change, classic (default 2s)")
        String classicPause;
        @Option(names = "--consumer-pause", paramLabel = "D",
                description = "model: group pause per membership change, KIP-848 (default 300ms)")
        String consumerPause;
        @Option(names = "--commit-interval", paramLabel = "D",
                description = "model: consumer auto-commit interval (default 5s)")
        String commitInterval;
        @Option(names = "--poll", paramLabel = "D",
                description = "model: Ebb's poll interval (default 1s)")
        String poll;
        @Option(names = "--actuation-delay", paramLabel = "D",
                description = "model: scale decision until pods exist (default 500ms)")
        String actuationDelay;
        @Option(names = "--slo", paramLabel = "D",
                description = "model: time-lag SLO (default 30s)")
        String slo;
        @Option(names = "--max-replicas", paramLabel = "N",
                description = "model: upper bound for every policy (default 32)")
        String maxReplicas;
        @Option(names = "--keda-lag-threshold", paramLabel = "N",
                description = "model: KEDA lagThreshold (default 5000; see SIMULATOR.md)")
        String kedaLagThreshold;
        @Option(names = "--oracle-window", paramLabel = "D",
                description = "model: the oracle's replica count changes at multiples of this "
                + "(default 5s)")
        String oracleWindow;

        /** The values given, by option name, in the order declared above. */
        Map<String, String> given() {
            Map<String, String> given = new LinkedHashMap<>();
            put(given, "--trace", trace);
            put(given, "--csv", csv);
            put(given, "--out", out);
            put(given, "--seed", seed);
            put(given, "--runs", runs);
            put(given, "--sweep-seeds", sweepSeeds);
            put(given, "--generated", generated);
            put(given, "--acquisition-overhead", acquisitionOverhead);
            put(given, "--ebb-per-replica-rate", ebbPerReplicaRate);
            put(given, "--ebb-ready-delay", ebbReadyDelay);
            put(given, "--ebb-commit-interval", ebbCommitInterval);
            put(given, "--ebb-scale-down-window", ebbScaleDownWindow);
            put(given, "--cold-start", coldStart);
            put(given, "--per-replica-rate", perReplicaRate);
            put(given, "--noise", noise);
            put(given, "--partitions", partitions);
            put(given, "--protocol", protocol);
            put(given, "--classic-pause", classicPause);
            put(given, "--consumer-pause", consumerPause);
            put(given, "--commit-interval", commitInterval);
            put(given, "--poll", poll);
            put(given, "--actuation-delay", actuationDelay);
            put(given, "--slo", slo);
            put(given, "--max-replicas", maxReplicas);
            put(given, "--keda-lag-threshold", kedaLagThreshold);
            put(given, "--oracle-window", oracleWindow);
            return given;
        }

        private static void put(Map<String, String> given, String name, String value) {
            if (value != null) {
                given.put(name, value);
            }
        }

        Options check() {
            return Options.check(this);
        }
    }

    private SimulateCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run("simulate", args, out, err, Options::parse, options -> simulate(options, args, out, err));
    }

    private static int simulate(Options options, String[] args, PrintStream out, PrintStream err) {
        if (options.shareGroup) {
            return shareGroup(options, args, out, err);
        }
        List<Trace> traces = new ArrayList<>();
        try {
            if (options.csv != null) {
                traces.add(Traces.fromCsv(options.csv, options.settings));
            } else if (options.trace.equals("all")) {
                traces.addAll(Traces.standard(options.settings).values());
            } else {
                traces.add(Traces.byName(options.trace, options.settings));
            }
        } catch (IllegalArgumentException e) {
            err.println("ebb simulate: " + e.getMessage());
            return 2;
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("ebb simulate: Invalid value '" + options.csv + "' for csv: no such file");
            return 2;
        } catch (IOException e) {
            err.println("ebb simulate: cannot read " + options.csv + ": " + e);
            return 2;
        }

        long started = System.nanoTime();
        long cpuStarted = processCpuNanos();
        long[] seeds = Simulation.seeds(options.settings.seed(), options.runs);
        int sweepSeeds = options.sweepSeeds == 0 ? options.runs : Math.min(options.sweepSeeds, options.runs);
        List<Trace> generated = new ArrayList<>();
        if (options.csv == null && options.trace.equals("all")) {
            for (String family : Traces.families()) {
                for (int i = 0; i < options.generated; i++) {
                    generated.add(Traces.generated(family, Traces.GENERATED_SEED_BASE + i, options.settings));
                }
            }
        }
        // traces are independent: one thread per core, results in trace order
        int threads = Math.max(1, Math.min(traces.size() + generated.size(),
                Runtime.getRuntime().availableProcessors()));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        List<Simulation.TraceResult> results = new ArrayList<>();
        List<Simulation.TraceResult> generatedResults = new ArrayList<>();
        try {
            List<java.util.concurrent.Future<Simulation.TraceResult>> futures = new ArrayList<>();
            for (Trace trace : traces) {
                List<Simulation.Row> rows = new ArrayList<>(Simulation.standardRows());
                rows.addAll(Simulation.sensitivityRows());
                futures.add(pool.submit(() -> Simulation.run(options.settings, trace, rows, seeds, options.sweep,
                        sweepSeeds)));
            }
            List<java.util.concurrent.Future<Simulation.TraceResult>> generatedFutures = new ArrayList<>();
            for (Trace trace : generated) {
                generatedFutures.add(pool.submit(() -> Simulation.run(options.settings, trace,
                        Simulation.standardRows(), seeds, options.sweep, sweepSeeds)));
            }
            for (java.util.concurrent.Future<Simulation.TraceResult> f : futures) {
                results.add(f.get());
            }
            for (java.util.concurrent.Future<Simulation.TraceResult> f : generatedFutures) {
                generatedResults.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("ebb simulate: interrupted");
            return 1;
        } catch (java.util.concurrent.ExecutionException e) {
            err.println("ebb simulate: " + (e.getCause() instanceof IllegalArgumentException bad ? bad.getMessage()
                    : "simulation failed: " + e.getCause()));
            return 1;
        } finally {
            pool.shutdownNow();
        }
        List<Simulation.TraceResult> all = new ArrayList<>(results);
        all.addAll(generatedResults);
        for (Simulation.TraceResult result : all) {
            Trace trace = result.trace();
            out.printf(Locale.ROOT, "%-8s %6.0f s simulated%n", trace.name(), trace.durationSeconds());
            for (RunResult run : result.runs()) {
                out.printf(Locale.ROOT, "  %-22s replica-s %9.0f (%.2fx oracle)  viol %6.1f s  p99 lag %6.1f s"
                                + "  max lag %6.1f s  first up %s s  changes %d  imbalance waste %.0f%n",
                        run.policy(), run.replicaSeconds(),
                        run.replicaSeconds() / result.plan().plan().replicaSeconds(), run.violationSeconds(),
                        run.p99(), run.maxTimeLag(),
                        run.firstScaleUp().isPresent() ? Goals.fmt(run.firstScaleUp().getAsDouble()) : "never",
                        run.scaleChanges(), run.imbalanceWaste());
                if (options.verbose) {
                    run.decisions().forEach(d -> out.println("      " + d));
                }
            }
            result.notes().forEach((k, v) -> out.println("  " + k + ": " + v));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        Duration cpu = Duration.ofNanos(Math.max(0, processCpuNanos() - cpuStarted));
        try {
            Files.createDirectories(options.out);
            boolean standardSet = options.csv == null && options.trace.equals("all");
            String reportName = standardSet ? "simulation.md" : "simulation-" + traces.get(0).name() + ".md";
            String command = "ebb simulate " + String.join(" ", args);
            Path report = options.out.resolve(reportName);
            Files.writeString(report, Report.markdown(results, generatedResults, options.settings, command.trim(),
                    took, cpu, seeds), StandardCharsets.UTF_8);
            out.println("wrote " + report);
            Path json = options.out.resolve(reportName.replaceFirst("\\.md$", ".json"));
            Files.writeString(json, Json.of(all, options.settings, seeds), StandardCharsets.UTF_8);
            out.println("wrote " + json);
            for (Simulation.TraceResult result : results) {
                Path chart = options.out.resolve("simulation-" + result.trace().name() + ".svg");
                Files.writeString(chart, SvgChart.render(result, options.settings), StandardCharsets.UTF_8);
                out.println("wrote " + chart);
            }
        } catch (IOException e) {
            err.println("ebb simulate: cannot write results to " + options.out + ": " + e.getMessage());
            return 1;
        }
        for (Goals.Check check : Goals.check(results, options.settings)) {
            out.printf(Locale.ROOT, "goal %-8s %-18s %-9s %s: %s%n", check.trace(), check.policy(), check.verdict(),
                    check.goal(), check.measured());
        }
        out.printf(Locale.ROOT, "total %.1f s (%.1f s CPU)%n", took.toMillis() / 1000.0, cpu.toMillis() / 1000.0);
        return 0;
    }

    private static int shareGroup(Options options, String[] args, PrintStream out, PrintStream err) {
        long[] seeds = Simulation.seeds(options.settings.seed(), options.runs);
        ShareGroupComparison.Result result;
        try {
            result = ShareGroupComparison.run(options.settings, options.acquisitionOverhead, seeds);
        } catch (IllegalArgumentException e) {
            err.println("ebb simulate: " + e.getMessage());
            return 2;
        }
        for (ShareGroupComparison.Row row : result.rows()) {
            RunResult run = row.run();
            out.printf(Locale.ROOT, "  %-26s replica-s %9.0f  viol %6.1f s  max lag %7.1f s  peak %d"
                            + "  at burst end %d  under SLO after %s  backlog at end %.0f%n", row.name(),
                    run.replicaSeconds(), run.violationSeconds(),
                    run.maxTimeLag(), row.peakWorkers(), row.workersAtBurstEnd(), row.underSloAfter().isPresent()
                            ? Goals.fmt(row.underSloAfter().getAsDouble()) + " s" : "not by the end",
                    Math.max(0, run.backlog()));
            if (options.verbose) {
                run.decisions().forEach(d -> out.println("      " + d));
            }
        }
        try {
            Files.createDirectories(options.out);
            Path report = options.out.resolve("simulation-share-group.md");
            Files.writeString(report, ShareGroupComparison.markdown(result,
                    ("ebb simulate " + String.join(" ", args)).trim()), StandardCharsets.UTF_8);
            out.println("wrote " + report);
        } catch (IOException e) {
            err.println("ebb simulate: cannot write results to " + options.out + ": " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /** CPU time of the whole process (all threads, JIT and GC included), 0 where the JVM does not tell. */
    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    /** Parsed command line; every problem is reported at once. */
    static final class Options {
        boolean verbose;
        boolean shareGroup;
        double acquisitionOverhead = ShareGroupComparison.DEFAULT_OVERHEAD;
        int runs = 5;
        /** 0: every run's seed, so the sweep picks with hindsight on exactly the runs it reports. */
        int sweepSeeds = 0;
        boolean sweep = true;
        int generated = 3;
        String trace = "all";
        Path csv;
        Path out = Path.of("benchmarks", "results");
        SimSettings settings;

        static Options parse(String[] args) {
            return Cli.parse(new Spec(), args, Spec::check);
        }

        static Options check(Spec spec) {
            Options o = new Options();
            SimSettings d = SimSettings.standard();
            Duration coldStart = d.coldStart();
            double rate = d.perReplicaRate();
            double noise = d.noise();
            int partitions = d.partitions();
            SimSettings.Protocol protocol = d.protocol();
            Duration classicPause = d.classicPause();
            Duration consumerPause = d.consumerPause();
            Duration commit = d.commitInterval();
            Duration poll = d.ebbPoll();
            Duration actuation = d.actuationDelay();
            Duration slo = d.slo();
            int maxReplicas = d.maxReplicas();
            Duration window = d.oracleWindow();
            long threshold = d.kedaLagThreshold();
            long seed = d.seed();
            double ebbRate = d.ebbPerReplicaRate();
            Duration ebbReady = d.ebbReadyDelay();
            Duration ebbCommit = d.ebbCommitInterval();
            java.util.Optional<Duration> ebbWindow = d.ebbScaleDownWindow();
            List<String> problems = new ArrayList<>();
            o.verbose = spec.verbose;
            o.shareGroup = spec.shareGroup;
            o.sweep = !spec.noSweep;
            for (Map.Entry<String, String> option : spec.given().entrySet()) {
                String name = option.getKey();
                String value = option.getValue();
                try {
                    switch (name) {
                        case "--trace" -> o.trace = value;
                        case "--csv" -> o.csv = Path.of(value);
                        case "--out" -> o.out = Path.of(value);
                        case "--seed" -> seed = parseLong(name, value);
                        case "--runs" -> o.runs = (int) between(name, parseLong(name, value), 1, 101);
                        case "--sweep-seeds" -> o.sweepSeeds = (int) between(name, parseLong(name, value), 1, 101);
                        case "--generated" -> o.generated = (int) between(name, parseLong(name, value), 0, 100);
                        case "--ebb-per-replica-rate" -> ebbRate = parseDouble(name, value);
                        case "--ebb-ready-delay" -> ebbReady = Durations.parse("ebb-ready-delay", value);
                        case "--ebb-commit-interval" -> ebbCommit = Durations.parse("ebb-commit-interval", value);
                        case "--ebb-scale-down-window" -> ebbWindow = java.util.Optional.of(
                                Durations.parse("ebb-scale-down-window", value));
                        case "--cold-start" -> coldStart = Durations.parse("cold-start", value);
                        case "--per-replica-rate" -> rate = parseDouble(name, value);
                        case "--noise" -> noise = parseDouble(name, value);
                        case "--acquisition-overhead" -> {
                            o.acquisitionOverhead = parseDouble(name, value);
                            if (!(o.acquisitionOverhead >= 0 && o.acquisitionOverhead < 10)) {
                                throw new IllegalArgumentException("Invalid value " + value
                                        + " for acquisition-overhead: must be >= 0 and < 10");
                            }
                        }
                        case "--partitions" -> partitions = (int) parseLong(name, value);
                        case "--protocol" -> protocol = switch (value.toLowerCase(Locale.ROOT)) {
                            case "classic" -> SimSettings.Protocol.CLASSIC;
                            case "consumer", "kip-848", "kip848" -> SimSettings.Protocol.CONSUMER;
                            default -> throw new IllegalArgumentException("Invalid value '" + value
                                    + "' for protocol: must be classic or consumer");
                        };
                        case "--classic-pause" -> classicPause = Durations.parse("classic-pause", value);
                        case "--consumer-pause" -> consumerPause = Durations.parse("consumer-pause", value);
                        case "--commit-interval" -> commit = Durations.parse("commit-interval", value);
                        case "--poll" -> poll = Durations.parse("poll", value);
                        case "--actuation-delay" -> actuation = Durations.parse("actuation-delay", value);
                        case "--slo" -> slo = Durations.parse("slo", value);
                        case "--max-replicas" -> maxReplicas = (int) parseLong(name, value);
                        case "--keda-lag-threshold" -> threshold = parseLong(name, value);
                        case "--oracle-window" -> window = Durations.parse("oracle-window", value);
                        default -> problems.add("Unknown option " + name);
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
            if (o.shareGroup && (o.csv != null || !o.trace.equals("all"))) {
                problems.add("Use --share-group without --trace or --csv: it runs its own trace, queue-burst");
            }
            if (o.csv != null && !o.trace.equals("all")) {
                problems.add("Use either --trace or --csv, not both");
            }
            if (problems.isEmpty() && o.csv == null && !o.trace.equals("all")
                    && !Traces.names().contains(o.trace)) {
                problems.add("Invalid value '" + o.trace + "' for trace: must be one of "
                        + String.join(", ", Traces.names()) + " or all");
            }
            SimSettings settings = new SimSettings(d.step(), coldStart, rate, noise, partitions, protocol,
                    classicPause, consumerPause, commit, poll, actuation, slo, maxReplicas, window, threshold, seed,
                    ebbRate, ebbReady, ebbCommit, ebbWindow);
            if (problems.isEmpty()) {
                problems.addAll(settings.problems());
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", problems));
            }
            o.settings = settings;
            return o;
        }

        private static long between(String name, long value, long low, long high) {
            if (value < low || value > high) {
                throw new IllegalArgumentException("Invalid value " + value + " for " + name.substring(2)
                        + ": must be between " + low + " and " + high);
            }
            return value;
        }

        private static long parseLong(String name, String value) {
            try {
                return Long.parseLong(value.replace("_", "").replace(",", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid value '" + value + "' for " + name.substring(2)
                        + ": must be a whole number");
            }
        }

        private static double parseDouble(String name, String value) {
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid value '" + value + "' for " + name.substring(2)
                        + ": must be a number");
            }
        }
    }
}
