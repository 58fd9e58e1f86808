package dev.ebb.bench.soak;

import dev.ebb.bench.demo.CommandRunner;
import dev.ebb.bench.demo.DemoOptions;
import dev.ebb.bench.demo.DemoRun;
import dev.ebb.bench.demo.DemoSummary;
import dev.ebb.bench.demo.Trace;
import dev.ebb.function.example.OrderEnricher;
import dev.ebb.scaler.cli.Cli;
import dev.ebb.scaler.local.LiveLog;
import dev.ebb.testkit.KafkaBroker;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The soak: the demo's setup (a real broker, the scaler loop in local mode, the SDK's example function as worker
 * processes, a load generator and a read_committed output counter, all from {@link DemoRun}) for many minutes with
 * random bursts and idle gaps (so the scaler scales up and down), a worker SIGKILLed every ~30 s and one broker
 * restart half-way. Counts lost and duplicated records, bounds the duplicates by the backlog that was uncommitted at
 * each fault, and samples this JVM's heap and open sockets (it hosts the scaler loop). Writes soak.md and soak.json.
 *
 * <p>The report is rendered by {@link SoakReport}.
 */
public final class SoakBenchmark {

    @Command(name = "ebb bench-soak", description = {"Random bursts on a real broker with worker processes scaled "
        + "by the scaler in local mode; a worker is SIGKILLed every ~30 s and the broker is restarted once. Checks 0 "
        + "lost and bounded duplicates, samples the scaler JVM's heap and sockets. Writes soak.md and soak.json.", ""})
    static final class Spec {
        @Option(names = "--minutes", paramLabel = "N", description = "length of the load trace (faults run during "
                + "it; default 10)")
        int minutes = 10;
        @Option(names = "--seed", paramLabel = "N", description = "random seed of bursts and faults (default 1)")
        long seed = 1;
        @Option(names = "--out", paramLabel = "DIR", description = "where soak.md/json go (default "
                + "benchmarks/results)")
        Path out = Path.of("benchmarks", "results");

        Options check() {
            if (minutes < 2 || minutes > 24 * 60) {
                throw new IllegalArgumentException("Invalid value " + minutes + " for --minutes: must be in 2..1440");
            }
            return new Options(minutes, seed, out);
        }
    }

    private static final String GROUP_PREFIX = "order-enricher-";
    static final double WORKER_RATE = 200;
    static final int PARTITIONS = 8;
    static final int MAX_REPLICAS = 6;

    private SoakBenchmark() {
    }

    record Options(int minutes, long seed, Path out) {
    }

    /** One fault applied: when (seconds after the start), what, and the uncommitted backlog it could re-deliver. */
    record Fault(double atSeconds, String kind, String detail, long uncommittedAtFault) {
        JsonObject toJson() {
            return new JsonObject().put("atSeconds", atSeconds).put("kind", kind).put("detail", detail)
                    .put("uncommittedAtFault", uncommittedAtFault);
        }
    }

    /** One resource sample of this JVM (the scaler loop, load generator and counter). */
    record Sample(double atSeconds, long heapUsedMb, long heapAfterGcMb, int openSockets, int liveWorkers,
                  String loadAverage) {
        JsonObject toJson() {
            return new JsonObject().put("atSeconds", atSeconds).put("heapUsedMb", heapUsedMb)
                    .put("heapAfterGcMb", heapAfterGcMb).put("openSockets", openSockets)
                    .put("liveWorkers", liveWorkers).put("loadAverage", loadAverage);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandRunner.run("bench-soak", args, out, err, SoakBenchmark::parse, SoakBenchmark::execute);
    }

    static Options parse(String[] args) {
        return Cli.parse(new Spec(), args, Spec::check);
    }

    /**
     * Random bursts over a low base rate, with idle gaps long enough for a scale-down to zero; the first burst is the
     * phase named {@link Trace#BURST}. Ends with an idle phase in which the run settles.
     */
    static Trace trace(int minutes, Random random) {
        List<Trace.Phase> phases = new ArrayList<>();
        phases.add(new Trace.Phase("warm-up", Duration.ofSeconds(20), 30, 30));
        Duration total = Duration.ofSeconds(20);
        Duration length = Duration.ofMinutes(minutes);
        int bursts = 0;
        while (total.compareTo(length) < 0) {
            Duration burst = Duration.ofSeconds(4 + random.nextInt(5));
            double rate = 300 + random.nextInt(500);
            phases.add(new Trace.Phase(bursts++ == 0 ? Trace.BURST : "burst-" + bursts, burst, rate, rate));
            Duration steady = Duration.ofSeconds(25 + random.nextInt(40));
            phases.add(new Trace.Phase("steady", steady, 30, 30));
            total = total.plus(burst).plus(steady);
            if (random.nextInt(3) == 0) {
                // No arrivals for longer than the cooldown: the scaler scales down to zero.
                Duration idle = Duration.ofSeconds(45 + random.nextInt(20));
                phases.add(new Trace.Phase("idle-gap", idle, 0, 0));
                total = total.plus(idle);
            }
        }
        phases.add(new Trace.Phase("idle", Duration.ofMinutes(10), 0, 0));
        return new Trace("soak", phases);
    }

    static int execute(Options options, PrintStream out) throws Exception {
        Random random = new Random(options.seed());
        Trace trace = trace(options.minutes(), random);
        Duration faultWindow = trace.length().minus(Duration.ofMinutes(10));
        String label = "soak" + System.currentTimeMillis() % 100_000;
        String loadBefore = loadAverage();
        Path work = Files.createTempDirectory("ebb-soak-");
        Map<String, Object> ebb = new LinkedHashMap<>();
        ebb.put("drainWithin", Duration.ofSeconds(20));
        ebb.put("perReplicaRate", WORKER_RATE);
        ebb.put("readyDelay", Duration.ofSeconds(5));
        ebb.put("cooldown", Duration.ofSeconds(30));
        ebb.put("scaleDownWindow", Duration.ofSeconds(15));
        ebb.put("rebalanceGrace", Duration.ofSeconds(10));
        ebb.put("commitInterval", Duration.ofSeconds(1));
        DemoRun.Policy policy = new DemoRun.Policy("drain", 0, MAX_REPLICAS, ebb);
        List<Fault> faults = Collections.synchronizedList(new ArrayList<>());
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        DemoRun.Result result;
        out.printf(Locale.ROOT, "Soak: %s of random bursts, then an idle tail until every record came out; a worker"
                + " SIGKILLed every ~30 s and one broker restart meanwhile; load average %s%n", seconds(faultWindow),
                loadBefore);
        try (KafkaBroker broker = KafkaBroker.start();
             Admin admin = Admin.create(broker.clientConfig())) {
            Instant start = Instant.now();
            Thread injector = new Thread(() -> injectFaults(broker, admin, GROUP_PREFIX + label, start, faultWindow,
                    new Random(options.seed() * 31 + 7), faults, out), "soak-faults");
            Thread sampler = new Thread(() -> sample(start, samples), "soak-sampler");
            injector.setDaemon(true);
            sampler.setDaemon(true);
            injector.start();
            sampler.start();
            DemoRun.Settings settings = new DemoRun.Settings(label, trace, policy, PARTITIONS,
                    DemoOptions.Workers.PROCESS, WORKER_RATE, Duration.ofSeconds(1), Duration.ofMinutes(6),
                    work.resolve("run"), Optional.of(Duration.ofSeconds(60)));
            result = new DemoRun(broker, settings, new LiveLog(3600), out).run();
            injector.interrupt();
            sampler.interrupt();
            injector.join(60_000);
        }
        String loadAfter = loadAverage();
        DemoSummary s = result.summary();
        List<Fault> applied;
        List<Sample> sampled;
        synchronized (faults) {
            applied = List.copyOf(faults);
        }
        synchronized (samples) {
            sampled = List.copyOf(samples);
        }
        // A fault whose backlog could not be measured (-1) makes the bound unknown: the check then only asks 0 lost.
        boolean boundKnown = applied.stream().allMatch(f -> f.uncommittedAtFault() >= 0);
        long bound = boundKnown ? applied.stream().mapToLong(Fault::uncommittedAtFault).sum() : Long.MAX_VALUE;
        boolean ok = s.lost() == 0 && s.duplicated() <= bound;
        Files.createDirectories(options.out());
        String md = SoakReport.markdown(options, trace, s, applied, sampled, bound, ok, loadBefore, loadAfter);
        Files.writeString(options.out().resolve("soak.md"), md);
        Files.writeString(options.out().resolve("soak.json"), SoakReport.json(options, trace, s, applied, sampled,
                bound, ok, loadBefore, loadAfter).encodePrettily() + "\n");
        out.println();
        out.println(md);
        out.println("Wrote " + options.out().resolve("soak.md") + " and soak.json");
        return ok ? 0 : 1;
    }

    /** A worker SIGKILLed every 20-40 s; the broker stopped and restarted once, half-way. */
    private static void injectFaults(KafkaBroker broker, Admin admin, String group, Instant start, Duration window,
                                     Random random, List<Fault> faults, PrintStream out) {
        Duration brokerRestartAt = window.dividedBy(2);
        boolean restarted = false;
        try {
            Thread.sleep(30_000);
            while (true) {
                Duration elapsed = Duration.between(start, Instant.now());
                if (elapsed.compareTo(window) >= 0) {
                    return;
                }
                if (!restarted && elapsed.compareTo(brokerRestartAt) >= 0) {
                    restarted = true;
                    long uncommitted = uncommitted(admin, group);
                    long t0 = System.nanoTime();
                    broker.stop();
                    Thread.sleep(10_000);
                    broker.restart();
                    String detail = String.format(Locale.ROOT, "broker stopped (SIGTERM), down 10 s, back after %.1f s",
                            (System.nanoTime() - t0) / 1e9);
                    faults.add(new Fault(secondsSince(start, elapsed), "broker-restart", detail, uncommitted));
                    out.printf(Locale.ROOT, "[soak %s] %s%n", seconds(elapsed), detail);
                } else {
                    List<ProcessHandle> workers = workers();
                    if (workers.isEmpty()) {
                        Thread.sleep(2_000); // scaled to zero: kill the next worker that starts
                        continue;
                    }
                    {
                        ProcessHandle victim = workers.get(random.nextInt(workers.size()));
                        victim.destroyForcibly();
                        victim.onExit().get(10, TimeUnit.SECONDS);
                        // Measured right after the kill: the dead worker cannot commit any more, so only records past
                        // the committed offsets can come again.
                        long uncommitted = uncommitted(admin, group);
                        String detail = "SIGKILL worker pid " + victim.pid() + " of " + workers.size();
                        faults.add(new Fault(secondsSince(start, elapsed), "worker-sigkill", detail, uncommitted));
                        out.printf(Locale.ROOT, "[soak %s] %s (uncommitted %,d)%n", seconds(elapsed), detail,
                                uncommitted);
                    }
                }
                Thread.sleep(20_000 + random.nextInt(20_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            out.println("[soak] fault injection stopped: " + e);
        }
    }

    private static double secondsSince(Instant start, Duration elapsed) {
        return Math.round(elapsed.toMillis() / 100.0) / 10.0;
    }

    /** The worker processes (the example function's JVMs) among this JVM's children. */
    static List<ProcessHandle> workers() {
        return ProcessHandle.current().children()
                .filter(p -> p.isAlive() && commandLine(p).contains(OrderEnricher.class.getName()))
                .toList();
    }

    /** /proc/PID/cmdline: ProcessHandle.Info leaves the arguments out when the command line is long. */
    private static String commandLine(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"),
                    java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return p.info().commandLine().orElse("");
        }
    }

    /** Records between the group's committed offsets and the log ends: the most a fault can make come again. */
    static long uncommitted(Admin admin, String group) {
        for (int attempt = 1; ; attempt++) {
            try {
                return uncommittedOnce(admin, group);
            } catch (Exception e) {
                if (e instanceof InterruptedException || attempt >= 5) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    return -1;
                }
            }
        }
    }

    private static long uncommittedOnce(Admin admin, String group) throws Exception {
        {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            String topic = group.substring(GROUP_PREFIX.length());
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition("orders-" + topic, p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get(20, TimeUnit.SECONDS);
            long sum = 0;
            for (var e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                sum += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return sum;
        }
    }

    private static void sample(Instant start, List<Sample> samples) {
        var memory = ManagementFactory.getMemoryMXBean();
        var pools = ManagementFactory.getMemoryPoolMXBeans();
        try {
            while (true) {
                long afterGc = 0;
                for (var pool : pools) {
                    var usage = pool.getCollectionUsage();
                    if (usage != null && pool.getType() == java.lang.management.MemoryType.HEAP) {
                        afterGc += usage.getUsed();
                    }
                }
                double at = Duration.between(start, Instant.now()).toMillis() / 1000.0;
                samples.add(new Sample(Math.round(at * 10) / 10.0, memory.getHeapMemoryUsage().getUsed() >> 20,
                        afterGc >> 20, openSockets(), workers().size(), loadAverage()));
                Thread.sleep(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Socket file descriptors of this JVM (Linux); -1 where /proc is not available. */
    static int openSockets() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            return -1;
        }
    }

    static String seconds(Duration d) {
        return d.toSeconds() + " s";
    }

    /** The 1, 5 and 15 minute load averages (Linux). */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
