package dev.ebb.bench.e2e;

import dev.ebb.bench.demo.CommandRunner;
import dev.ebb.bench.demo.DemoOptions;
import dev.ebb.bench.demo.DemoRun;
import dev.ebb.bench.demo.DemoSummary;
import dev.ebb.bench.demo.DurationConverter;
import dev.ebb.bench.demo.Trace;
import dev.ebb.scaler.cli.Cli;
import dev.ebb.scaler.local.LiveLog;
import dev.ebb.scaler.policy.PolicyDefaults;
import dev.ebb.testkit.KafkaBroker;
import java.io.OutputStream;
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
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The live end-to-end benchmark: one burst on a real broker, real worker processes (the SDK's example function),
 * scaled by the real scaler loop in local mode, under four configurations — Ebb with its defaults (no priors about
 * the workers), Ebb tuned to the workers, KEDA's defaults and KEDA tuned (Ebb's cooldown and scale-down window) —
 * each run until the replicas are back at zero, in alternating order (ABCD, DCBA, ...), several runs each. Every
 * run's lost and duplicated records are recounted afterwards by an independent {@code read_committed} consumer once
 * the topics are quiet. Writes {@code e2e.md} and {@code e2e.json} with medians and the range over the runs.
 *
 * <p>The report is rendered by {@link E2eReport}.
 */
public final class E2eBenchmark {

    @Command(name = "ebb bench-e2e", description = {"One burst on a real Kafka broker with real worker processes, "
        + "scaled by the real scaler loop under four configurations (Ebb defaults, Ebb tuned, KEDA defaults, KEDA "
        + "tuned), each run until back at 0 replicas, in alternating order, --runs times each. Writes e2e.md and "
        + "e2e.json (medians and min-max).", ""})
    static final class Spec {
        @Option(names = "--runs", paramLabel = "N", description = "runs per configuration (default 3)")
        int runs = 3;
        @Option(names = "--burst", paramLabel = "N", description = "records in the burst (sent within 2 s; default "
                + "12000)")
        long burst = 12_000;
        @Option(names = "--worker-rate", paramLabel = "N", description = "records/s one worker process handles "
                + "(default 200)")
        double rate = 200;
        @Option(names = "--partitions", paramLabel = "N", description = "partitions of the input topic (default 8)")
        int partitions = 8;
        @Option(names = "--keda-tuned-lag-threshold", paramLabel = "N", description = "KEDA tuned: lagThreshold "
                + "(default worker-rate x 20 s = 4000)")
        Long kedaLag;
        @Option(names = "--keda-tuned-poll", paramLabel = "D", converter = DurationConverter.class,
                description = "KEDA tuned: pollingInterval (default 5s)")
        Duration kedaPoll = Duration.ofSeconds(5);
        @Option(names = "--workers", paramLabel = "W", description = "process | threads (default process)")
        String workers = "process";
        @Option(names = "--only", paramLabel = "LIST", split = ",", description = "comma-separated subset of "
                + "ebb-defaults,ebb-tuned,keda-defaults,keda-tuned")
        List<String> only = CONFIG_IDS;
        @Option(names = "--out", paramLabel = "DIR", description = "where e2e.md/json go (default benchmarks/results)")
        Path out = Path.of("benchmarks", "results");

        Options check() {
            List<String> problems = new ArrayList<>();
            if (runs < 1) {
                problems.add("Invalid value " + runs + " for --runs: must be >= 1");
            }
            if (burst < 1) {
                problems.add("Invalid value " + burst + " for --burst: must be >= 1");
            }
            if (!(rate > 0) || Double.isInfinite(rate)) {
                problems.add("Invalid value " + rate + " for --worker-rate: must be a finite number > 0");
            }
            if (partitions < 1) {
                problems.add("Invalid value " + partitions + " for --partitions: must be >= 1");
            }
            if (kedaLag != null && kedaLag < 1) {
                problems.add("Invalid value " + kedaLag + " for --keda-tuned-lag-threshold: must be >= 1");
            }
            DemoOptions.Workers w = switch (workers) {
                case "process", "processes" -> DemoOptions.Workers.PROCESS;
                case "threads", "thread" -> DemoOptions.Workers.THREADS;
                default -> {
                    problems.add("Invalid value '" + workers + "' for --workers: must be process or threads");
                    yield DemoOptions.Workers.PROCESS;
                }
            };
            for (String id : only) {
                if (!CONFIG_IDS.contains(id.trim())) {
                    problems.add("Invalid value '" + id + "' for --only: must be one of " + String.join(", ",
                            CONFIG_IDS));
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", problems));
            }
            List<String> chosen = CONFIG_IDS.stream().filter(id -> only.stream().anyMatch(c -> c.trim().equals(id)))
                    .toList();
            long lag = kedaLag != null ? kedaLag : Math.round(rate * DRAIN_WITHIN.toSeconds());
            return new Options(runs, burst, rate, partitions, lag, kedaPoll, w, chosen, out);
        }
    }

    static final List<String> CONFIG_IDS = List.of("ebb-defaults", "ebb-tuned", "keda-defaults", "keda-tuned");
    /** Ebb's drain deadline in every Ebb run: the user's goal, not a prior about the workers. */
    static final Duration DRAIN_WITHIN = Duration.ofSeconds(20);

    private E2eBenchmark() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    record Options(int runs, long burst, double workerRate, int partitions, long kedaTunedLagThreshold,
                   Duration kedaTunedPoll, DemoOptions.Workers workers, List<String> only, Path out) {
    }

    /** One configuration: how the scaler loop polls and the workload's policy. */
    record Config(String id, String name, Duration poll, DemoRun.Policy policy, String note) {
        String settingsText() {
            return policy.mode() + " mode, poll " + poll.toSeconds() + "s, " + DemoRun.describe(policy.settings());
        }
    }

    /** One run of one configuration, measured and recounted. */
    record Run(int round, int position, Config config, DemoSummary summary, Tally tally,
               Optional<Duration> burstSentIn, Optional<Duration> burstToZero, String loadBefore) {
        long lost() {
            return tally.lost();
        }

        long duplicated() {
            return tally.duplicated();
        }
    }

    /** The medians and ranges of one configuration over its runs. */
    record Aggregate(Config config, int runs, Spread firstScaleUp, Spread drained, Spread replicaSeconds,
                     Spread burstToZero, Spread peakReplicas, long lostTotal, long duplicatedTotal,
                     Spread duplicated) {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandRunner.run("bench-e2e", args, out, err, E2eBenchmark::parse, E2eBenchmark::execute);
    }

    static Options parse(String[] args) {
        return Cli.parse(new Spec(), args, Spec::check);
    }

    /** The four configurations, in the order A, B, C, D (restricted to {@code --only}). */
    static List<Config> configs(Options options) {
        List<Config> all = new ArrayList<>();
        Map<String, Object> ebbDefaults = new LinkedHashMap<>();
        ebbDefaults.put("drainWithin", DRAIN_WITHIN);
        all.add(new Config("ebb-defaults", "Ebb defaults", Duration.ofSeconds(1),
                new DemoRun.Policy("drain", 0, options.partitions(), ebbDefaults),
                "drain mode with only the deadline set: the priors take their defaults (perReplicaRate "
                        + PolicyDefaults.PER_REPLICA_RATE + "/s, readyDelay " + PolicyDefaults.READY_DELAY
                        + ", commitInterval " + PolicyDefaults.COMMIT_INTERVAL + "), cooldown "
                        + PolicyDefaults.COOLDOWN + ", scaleDownWindow " + PolicyDefaults.SCALE_DOWN_WINDOW_DRAIN
                        + ", rebalanceGrace " + PolicyDefaults.REBALANCE_GRACE));
        Map<String, Object> ebb = new LinkedHashMap<>();
        ebb.put("drainWithin", DRAIN_WITHIN);
        ebb.put("perReplicaRate", options.workerRate());
        ebb.put("readyDelay", Duration.ofSeconds(5));
        ebb.put("cooldown", Duration.ofSeconds(30));
        ebb.put("scaleDownWindow", Duration.ofSeconds(15));
        ebb.put("rebalanceGrace", Duration.ofSeconds(10));
        ebb.put("commitInterval", Duration.ofSeconds(1));
        all.add(new Config("ebb-tuned", "Ebb tuned", Duration.ofSeconds(1),
                new DemoRun.Policy("drain", 0, options.partitions(), ebb),
                "priors set to the workers (their rate, ~5 s start, 1 s commits), cooldown 30s, window 15s"));
        Map<String, Object> kedaDefaults = new LinkedHashMap<>();
        kedaDefaults.put("lagThreshold", 10);
        kedaDefaults.put("cooldown", Duration.ofSeconds(300));
        kedaDefaults.put("scaleDownWindow", Duration.ofSeconds(300));
        kedaDefaults.put("tolerance", 0.1);
        all.add(new Config("keda-defaults", "KEDA defaults", Duration.ofSeconds(30),
                new DemoRun.Policy("threshold", 0, options.partitions(), kedaDefaults),
                "KEDA's defaults: lagThreshold 10, pollingInterval 30s, cooldownPeriod 300s, the HPA's 300s "
                        + "scale-down stabilization and 0.1 tolerance"));
        Map<String, Object> kedaTuned = new LinkedHashMap<>();
        kedaTuned.put("lagThreshold", options.kedaTunedLagThreshold());
        kedaTuned.put("cooldown", Duration.ofSeconds(30));
        kedaTuned.put("scaleDownWindow", Duration.ofSeconds(15));
        kedaTuned.put("tolerance", 0.1);
        all.add(new Config("keda-tuned", "KEDA tuned", options.kedaTunedPoll(),
                new DemoRun.Policy("threshold", 0, options.partitions(), kedaTuned),
                String.format(Locale.ROOT, "Ebb tuned's cooldown (30s) and scale-down window (15s), lagThreshold "
                        + "%,d (the lag one worker clears in Ebb's %ds deadline), pollingInterval %ss",
                        options.kedaTunedLagThreshold(), DRAIN_WITHIN.toSeconds(), options.kedaTunedPoll().toSeconds())));
        return all.stream().filter(c -> options.only().contains(c.id())).toList();
    }

    /** Round r runs the configurations forwards when r is even and backwards when odd: ABCD, DCBA, ABCD, ... */
    static <T> List<List<T>> alternating(List<T> items, int rounds) {
        List<List<T>> schedule = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            List<T> round = new ArrayList<>(items);
            if (r % 2 == 1) {
                java.util.Collections.reverse(round);
            }
            schedule.add(List.copyOf(round));
        }
        return schedule;
    }

    static int execute(Options options, PrintStream out) throws Exception {
        Trace trace = new Trace("e2e-burst", List.of(
                new Trace.Phase("idle", Duration.ofSeconds(10), 0, 0),
                new Trace.Phase(Trace.BURST, Duration.ofSeconds(2), options.burst() / 2.0, options.burst() / 2.0),
                new Trace.Phase("idle", Duration.ofMinutes(20), 0, 0)));
        String loadBefore = loadAverage();
        Instant startedAt = Instant.now();
        Path work = Files.createTempDirectory("ebb-e2e-");
        List<Config> configs = configs(options);
        List<Run> runs = new ArrayList<>();
        out.println("Starting a Kafka broker (KRaft, in a child JVM)...");
        try (KafkaBroker broker = KafkaBroker.start()) {
            List<List<Config>> schedule = alternating(configs, options.runs());
            for (int r = 0; r < schedule.size(); r++) {
                List<Config> round = schedule.get(r);
                for (int p = 0; p < round.size(); p++) {
                    runs.add(measure(broker, options, trace, work, round.get(p), r + 1, p + 1, out));
                }
            }
        }
        String loadAfter = loadAverage();
        Duration took = Duration.between(startedAt, Instant.now());
        List<Aggregate> aggregates = configs.stream().map(c -> aggregate(c, runs.stream()
                .filter(run -> run.config().id().equals(c.id())).toList())).toList();
        Files.createDirectories(options.out());
        String md = E2eReport.markdown(options, aggregates, runs, loadBefore, loadAfter, took);
        Files.writeString(options.out().resolve("e2e.md"), md);
        Files.writeString(options.out().resolve("e2e.json"), E2eReport.json(options, aggregates, runs, loadBefore,
                loadAfter, took).encodePrettily() + "\n");
        out.println();
        out.println(md);
        out.println("Wrote " + options.out().resolve("e2e.md") + " and e2e.json");
        return runs.stream().allMatch(r -> r.lost() == 0 && r.tally().unexpected() == 0) ? 0 : 1;
    }

    private static Run measure(KafkaBroker broker, Options options, Trace trace, Path work, Config config, int round,
                               int position, PrintStream out) throws Exception {
        String load = loadAverage();
        out.printf(Locale.ROOT, "%n== round %d, #%d: %s (%s), load average %s%n", round, position, config.name(),
                config.settingsText(), load);
        String label = config.id().replace("-", "") + round + "x" + System.currentTimeMillis() % 100_000;
        DemoRun.Settings settings = new DemoRun.Settings(label, trace, config.policy(), options.partitions(),
                options.workers(), options.workerRate(), config.poll(), Duration.ofMinutes(12),
                work.resolve(label), Optional.empty());
        // The live per-tick view is not printed: 12+ runs of it drown the results. One line per run instead.
        DemoRun.Result result = new DemoRun(broker, settings, new LiveLog(3600),
                new PrintStream(OutputStream.nullOutputStream())).run();
        DemoSummary s = result.summary();
        // The workers are stopped: recount both topics with a consumer of our own until they are quiet.
        String input = "orders-" + label;
        Tally tally = QuietRecount.count(broker.clientConfig(), input, input + "-enriched", Duration.ofSeconds(3),
                Duration.ofMinutes(2));
        Optional<Duration> sentIn = result.burstStart().flatMap(b -> result.burstSentAt()
                .map(e -> Duration.between(b, e)));
        Optional<Duration> toZero = s.finalReplicas() <= s.minReplicas()
                ? result.burstStart().map(b -> Duration.between(b, s.end())) : Optional.empty();
        Run run = new Run(round, position, config, s, tally, sentIn, toZero, load);
        out.printf(Locale.ROOT, "   first scale-up %s, drained %s, peak %d, replica-seconds %,.0f, back at %d after "
                        + "%s; recount: %,d in, %,d out, lost %d, duplicated %d%n",
                s.burstToFirstScaleUp().map(DemoSummary::seconds).orElse("none"),
                s.burstDrained().map(DemoSummary::seconds).orElse("not drained"), s.peakReplicas(),
                s.replicaSeconds(), s.finalReplicas(), toZero.map(DemoSummary::seconds).orElse("(gave up)"),
                tally.inputIds(), tally.outputRecords(), tally.lost(), tally.duplicated());
        return run;
    }

    static Aggregate aggregate(Config config, List<Run> runs) {
        Function<Function<Run, Optional<Duration>>, Spread> seconds = f -> Spread.of(runs.stream()
                .map(r -> f.apply(r).map(d -> d.toMillis() / 1000.0)).toList());
        return new Aggregate(config, runs.size(),
                seconds.apply(r -> r.summary().burstToFirstScaleUp()),
                seconds.apply(r -> r.summary().burstDrained()),
                Spread.ofValues(runs.stream().map(r -> r.summary().replicaSeconds()).toList()),
                seconds.apply(Run::burstToZero),
                Spread.ofValues(runs.stream().map(r -> (double) r.summary().peakReplicas()).toList()),
                runs.stream().mapToLong(Run::lost).sum(),
                runs.stream().mapToLong(Run::duplicated).sum(),
                Spread.ofValues(runs.stream().map(r -> (double) r.duplicated()).toList()));
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
