package dev.ebb.bench.demo;

import dev.ebb.scaler.local.LiveLog;
import dev.ebb.scaler.local.LiveWebServer;
import dev.ebb.scaler.local.TerminalView;
import dev.ebb.testkit.KafkaBroker;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ebb demo}: one command that shows the whole loop on one machine. See {@code ebb demo --help}.
 */
public final class DemoCommand {

    /** A finished demo: its summary, where the report is, and whether the broker it started is gone. */
    public record Outcome(DemoRun.Result result, Path report, boolean brokerStopped) {
    }

    private DemoCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandRunner.run("demo", args, out, err, DemoOptions::parse,
                (options, o) -> execute(options, o).result().summary().lost() == 0 ? 0 : 1);
    }

    /** Runs the demo with these options; everything it started is stopped when it returns. */
    public static Outcome execute(DemoOptions options, PrintStream out) throws Exception {
        double rate = options.workerRate();
        Trace trace = Trace.named(options.trace(), rate);
        if (options.duration().isPresent()) {
            trace = trace.scaledTo(options.duration().get());
        }
        DemoRun.Policy policy = policy(options, rate);
        out.printf(Locale.ROOT, "Ebb demo: trace %s (%s), %s mode, %s workers of ~%,.0f records/s, %d partitions%s%n",
                trace.name(), trace.describe(), options.mode(), options.workers().name().toLowerCase(Locale.ROOT),
                rate, options.partitions(), options.group() == DemoOptions.Group.SHARE
                        ? ", share group (up to " + options.maxReplicas() + " workers)" : "");
        out.println("Starting a Kafka broker (KRaft, in a child JVM)...");
        LiveLog log = new LiveLog(3600);
        KafkaBroker broker = KafkaBroker.start();
        Vertx web = null;
        LiveWebServer server = null;
        Runnable detach = () -> { };
        boolean brokerStopped;
        DemoRun.Result result;
        try {
            out.println("Broker at " + broker.bootstrapServers());
            if (options.view() != DemoOptions.View.HEADLESS) {
                web = Vertx.vertx();
                server = new LiveWebServer(web, log, "ebb demo — " + trace.name() + ", " + options.mode() + " mode");
                int port = listen(server, options.port(), out);
                String url = "http://localhost:" + port + "/";
                out.println("Live view: " + url);
                if (options.view() == DemoOptions.View.BROWSER) {
                    openBrowser(url, out);
                }
            }
            detach = new TerminalView(out).attach(log);
            DemoRun.Settings settings = new DemoRun.Settings("demo" + System.currentTimeMillis() % 100_000, trace,
                    policy, options.partitions(), options.workers(), rate, options.pollInterval(),
                    Duration.ofSeconds(90), options.out(), Optional.empty());
            result = new DemoRun(broker, settings, log, out, options.group()).run();
        } finally {
            detach.run();
            if (server != null) {
                server.close();
            }
            if (web != null) {
                web.close().await();
            }
            broker.close();
            brokerStopped = !broker.isRunning();
        }
        Path report = DemoReport.write(options.out(), result.summary(), log, DemoRun.TARGET);
        Files.writeString(options.out().resolve("summary.txt"), result.summary().text() + "\n");
        out.println();
        out.println(result.summary().text());
        out.println();
        out.println("Report: " + report.toAbsolutePath() + " (and summary.json next to it)");
        return new Outcome(result, report, brokerStopped);
    }

    /**
     * The live view tells the story; Kafka's and the workers' INFO logs would drown it. Warnings still show. A user's
     * own {@code EBB_LOG_LEVEL} (or {@code -Debb.log.level}) wins.
     */
    public static void quietLogs() {
        dev.ebb.logging.EbbLogging.onlyWarnings();
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        java.util.logging.Logger.getLogger("dev.ebb.function").setLevel(java.util.logging.Level.WARNING);
    }

    static DemoRun.Policy policy(DemoOptions options, double rate) {
        Map<String, Object> settings = new LinkedHashMap<>();
        boolean threads = options.workers() == DemoOptions.Workers.THREADS;
        if (options.mode().equals("threshold")) {
            // About five seconds of one worker's work per replica, as one would tune KEDA's lagThreshold.
            settings.put("lagThreshold", Math.max(1, Math.round(rate * 5)));
        } else {
            settings.put("drainWithin", Duration.ofSeconds(20));
            settings.put("perReplicaRate", rate);
        }
        settings.put("cooldown", Duration.ofSeconds(10));
        settings.put("scaleDownWindow", Duration.ofSeconds(10));
        settings.put("readyDelay", Duration.ofSeconds(threads ? 2 : 5));
        settings.put("rebalanceGrace", Duration.ofSeconds(5));
        settings.put("commitInterval", Duration.ofSeconds(1));
        return new DemoRun.Policy(options.mode(), 0, options.maxReplicas(), settings);
    }

    static int listen(LiveWebServer server, int port, PrintStream out) {
        try {
            return server.listen("127.0.0.1", port).await();
        } catch (RuntimeException e) {
            if (port == 0) {
                throw e;
            }
            out.println("Port " + port + " is busy (" + e.getMessage() + "); using a free port instead");
            return server.listen("127.0.0.1", 0).await();
        }
    }

    static void openBrowser(String url, PrintStream out) {
        boolean mac = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac");
        boolean display = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
        List<String> command = mac ? List.of("open", url) : display ? List.of("xdg-open", url) : List.of();
        if (command.isEmpty()) {
            out.println("(No display found: open the live view yourself, or pass --no-browser to skip this.)");
            return;
        }
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
        } catch (Exception e) {
            out.println("(Could not open a browser: " + e.getMessage() + ")");
        }
    }
}
