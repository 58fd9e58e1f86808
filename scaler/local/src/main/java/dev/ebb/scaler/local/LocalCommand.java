package dev.ebb.scaler.local;

import dev.ebb.function.FunctionWorker;
import dev.ebb.function.WorkerConfig;
import dev.ebb.function.example.OrderEnricher;
import dev.ebb.logging.EbbLogging;
import dev.ebb.logging.LogFormat;
import dev.ebb.scaler.cli.Cli;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.scaler.loop.DecisionListener;
import dev.ebb.scaler.loop.ScalerLoop;
import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.ScaleTarget;
import dev.ebb.scaler.target.SwarmScaleTarget;
import dev.ebb.scaler.target.TargetRef;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.Workload;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ebb local}: the scaler in local mode against any Kafka broker. Workloads come from a file of
 * {@code ScaledWorkload} resources (re-read on change); each workload's {@code scaleTargetRef.name} names a local
 * worker pool given on the command line: processes from a command, or in-process threads running the SDK's example
 * function. The same {@link ScalerLoop} as in a cluster decides; the terminal and a web page show it live.
 */
public final class LocalCommand {

    /** Parsed arguments. */
    record Options(Path workloads, Map<String, List<String>> processes, List<String> exampleProcesses,
                   List<String> exampleThreads, Map<String, Map<String, String>> env, Duration tick, Duration grace,
                   int port, boolean web, Optional<Path> logs, Map<String, String> swarm,
                   Optional<String> dockerHost, Optional<LogFormat> logFormat) {
    }

    /** A running local scaler; {@link #close()} stops the loop, drains every worker and stops the web page. */
    public static final class Running implements AutoCloseable {
        private final Vertx vertx;
        private final ScalerLoop loop;
        private final FileWorkloadCatalog catalog;
        private final List<AutoCloseable> targets;
        private final LiveWebServer server;
        private final Runnable detach;
        private final LiveLog log;
        private boolean closed;

        Running(Vertx vertx, ScalerLoop loop, FileWorkloadCatalog catalog, List<AutoCloseable> targets,
                LiveWebServer server, Runnable detach, LiveLog log) {
            this.vertx = vertx;
            this.loop = loop;
            this.catalog = catalog;
            this.targets = targets;
            this.server = server;
            this.detach = detach;
            this.log = log;
        }

        public LiveLog log() {
            return log;
        }

        /** Port of the live page, or -1 when headless. */
        public int port() {
            return server == null ? -1 : server.port();
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            loop.stopAndWait(Duration.ofSeconds(10));
            for (AutoCloseable target : targets) {
                try {
                    target.close();
                } catch (Exception e) {
                    System.err.println("Stopping workers failed: " + e);
                }
            }
            catalog.close();
            detach.run();
            if (server != null) {
                server.close();
            }
            vertx.close().await();
        }
    }

    private LocalCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    /** Runs until the JVM is asked to stop (Ctrl-C, SIGTERM); then drains every worker. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run("local", args, out, err, LocalCommand::parse, options -> runUntilStopped(options, out, err));
    }

    private static int runUntilStopped(Options options, PrintStream out, PrintStream err) {
        options.logFormat().ifPresent(EbbLogging::use);
        Running running;
        try {
            running = start(options, out);
        } catch (Exception e) {
            err.println("Cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("Stopping: draining workers...");
            running.close();
            stopped.countDown();
        }, "ebb-local-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Parses and checks the arguments; see {@link LocalArgs}. */
    static Options parse(String[] args) {
        return LocalArgs.parse(args);
    }

    /** Starts the loop, the worker pools and the live views. */
    static Running start(Options options, PrintStream out) throws Exception {
        Clock clock = Clock.systemUTC();
        FileWorkloadCatalog catalog = new FileWorkloadCatalog(options.workloads(), Duration.ofSeconds(1));
        Map<String, Workload> byTarget = new HashMap<>();
        for (CatalogEntry entry : catalog.entries()) {
            if (entry instanceof CatalogEntry.Valid v) {
                byTarget.putIfAbsent(v.workload().target().name(), v.workload());
            } else if (entry instanceof CatalogEntry.Invalid bad) {
                out.println("Workload " + bad.id() + " is invalid: " + String.join("; ", bad.problems()));
            }
        }
        Map<String, ScaleTarget> routes = new HashMap<>();
        List<AutoCloseable> closers = new ArrayList<>();
        if (!options.processes().isEmpty() || !options.exampleProcesses().isEmpty()) {
            LocalProcessScaleTarget processes = new LocalProcessScaleTarget(options.grace());
            closers.add(processes);
            Map<String, List<String>> commands = new LinkedHashMap<>(options.processes());
            for (String name : options.exampleProcesses()) {
                String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
                commands.put(name, List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-cp",
                        System.getProperty("java.class.path"), OrderEnricher.class.getName()));
            }
            commands.forEach((name, command) -> {
                Map<String, String> env = processEnvironment(name, byTarget.get(name), options);
                processes.register(name, new ProcessSpec(command, env, Optional.empty(), options.logs()));
                routes.put(name, processes);
            });
        }
        if (!options.exampleThreads().isEmpty()) {
            LocalThreadScaleTarget threads = new LocalThreadScaleTarget(options.grace());
            closers.add(threads);
            for (String name : options.exampleThreads()) {
                Map<String, String> settings = new LinkedHashMap<>(workerSettings(name, byTarget.get(name),
                        options.env()));
                settings.putIfAbsent(WorkerConfig.HTTP_PORT, "off");
                Duration work = OrderEnricher.workFrom(settings);
                threads.register(name, index -> {
                    Map<String, String> mine = new LinkedHashMap<>(settings);
                    mine.replaceAll((k, v) -> v.replace("{index}", Integer.toString(index)));
                    return FunctionWorker.start(OrderEnricher.function(work), WorkerConfig.from(mine));
                });
                routes.put(name, threads);
            }
        }
        if (!options.swarm().isEmpty()) {
            String host = options.dockerHost().orElseGet(() -> Optional.ofNullable(System.getenv("DOCKER_HOST"))
                    .orElse("unix:///var/run/docker.sock"));
            SwarmScaleTarget swarm = new SwarmScaleTarget(host, options.swarm(), Duration.ofSeconds(10));
            closers.add(swarm);
            options.swarm().keySet().forEach(name -> routes.put(name, swarm));
        }
        for (String name : routes.keySet()) {
            if (!byTarget.containsKey(name)) {
                out.println("Note: no valid workload in " + options.workloads() + " scales '" + name
                        + "' (spec.scaleTargetRef.name)");
            }
        }
        Vertx vertx = Vertx.vertx();
        LiveLog log = new LiveLog(3600);
        Runnable detach = new TerminalView(out).attach(log);
        ScalerLoop loop = new ScalerLoop(vertx, catalog, (cluster, config) -> new KafkaAdminLagSource(config),
                new Router(routes), clock, DecisionListener.all(List.of(new LiveDecisionListener(log, clock))),
                ScalerLoop.Options.defaults().withTick(options.tick())).start();
        LiveWebServer server = null;
        if (options.web()) {
            server = new LiveWebServer(vertx, log, "ebb local — " + options.workloads().getFileName());
            int port = server.listen("127.0.0.1", options.port()).await();
            out.println("Live view: http://localhost:" + port + "/");
        }
        out.printf(Locale.ROOT, "Scaling %d workload(s) from %s; pools: %s. Ctrl-C stops and drains the workers.%n",
                byTarget.size(), options.workloads(), String.join(", ", routes.keySet()));
        return new Running(vertx, loop, catalog, closers, server, detach, log);
    }

    /**
     * The environment of pool {@code name}'s processes: {@link #workerSettings}, and the scaler's {@code --log-format}
     * as {@code EBB_LOG_FORMAT} unless the pool's {@code --env} sets it.
     */
    static Map<String, String> processEnvironment(String name, Workload workload, Options options) {
        Map<String, String> env = new LinkedHashMap<>(workerSettings(name, workload, options.env()));
        options.logFormat().ifPresent(f -> env.putIfAbsent(LogFormat.ENV, f.name().toLowerCase(Locale.ROOT)));
        return env;
    }

    /** What workers of pool {@code name} get: the workload's broker, topics and group, then --env overrides. */
    static Map<String, String> workerSettings(String name, Workload workload, Map<String, Map<String, String>> env) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (workload != null) {
            settings.put(WorkerConfig.BOOTSTRAP_SERVERS, String.valueOf(workload.clientConfig()
                    .get("bootstrap.servers")));
            if (!workload.group().topics().isEmpty()) {
                settings.put(WorkerConfig.TOPICS, String.join(",", workload.group().topics()));
            }
            settings.put(workload.group().kind() == dev.ebb.scaler.policy.GroupKind.SHARE
                    ? WorkerConfig.SHARE_GROUP : WorkerConfig.GROUP, workload.group().groupId());
        }
        settings.put(WorkerConfig.WORKER_ID, name + "-{index}");
        settings.putAll(env.getOrDefault(name, Map.of()));
        return settings;
    }

    /** Splits a command line on whitespace; single or double quotes group words. No shell involved. */
    static List<String> tokenize(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : command.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("Invalid value '" + command + "' for --process: unclosed quote");
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("Invalid value '" + command + "' for --process: empty command");
        }
        return words;
    }

    /** Sends each target to the pool of its name. */
    private static final class Router implements ScaleTarget {
        private final Map<String, ScaleTarget> routes;

        Router(Map<String, ScaleTarget> routes) {
            this.routes = Map.copyOf(routes);
        }

        @Override
        public CompletionStage<Integer> currentReplicas(TargetRef target) {
            ScaleTarget t = routes.get(target.name());
            return t == null ? CompletableFuture.failedFuture(new IllegalStateException(missing(target)))
                    : t.currentReplicas(target);
        }

        @Override
        public CompletionStage<ScaleOutcome> scale(TargetRef target, int replicas, String reason) {
            ScaleTarget t = routes.get(target.name());
            return t == null ? CompletableFuture.completedFuture(new ScaleOutcome.Failed(FailureKind.NOT_FOUND, missing(target))) : t.scale(target, replicas, reason);
        }

        private String missing(TargetRef target) {
            return "No local worker pool named '" + target.name() + "'; start ebb local with --process "
                    + target.name() + "=COMMAND, --example-processes " + target.name() + " or --example-threads "
                    + target.name();
        }
    }
}
