package dev.ebb.bench.demo;

import dev.ebb.scaler.local.LiveLog;
import dev.ebb.scaler.local.LiveWebServer;
import dev.ebb.scaler.local.TerminalView;
import dev.ebb.testkit.KafkaBroker;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code ebb pipeline}: the event pipeline (ingest → enrich → store) on one machine, every stage scaled by Ebb on its
 * own backlog. See {@code ebb pipeline --help}.
 */
public final class PipelineCommand {

    private PipelineCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandRunner.run("pipeline", args, out, err, PipelineOptions::parse,
                (options, o) -> execute(options, o).lost() == 0 ? 0 : 1);
    }

    /** Runs the pipeline with these options; everything it started is stopped when it returns. */
    public static PipelineRun.Result execute(PipelineOptions options, PrintStream out) throws Exception {
        double rate = options.workerRate();
        Trace trace = Trace.named(options.trace(), rate);
        if (options.duration().isPresent()) {
            trace = trace.scaledTo(options.duration().get());
        }
        DemoRun.Policy policy = policy(options);
        out.printf(Locale.ROOT, "Ebb pipeline: ingest -> enrich -> store, trace %s (%s), workers of ~%,.0f records/s, "
                + "%d partitions per topic, up to %d workers per stage%n", trace.name(), trace.describe(), rate,
                options.partitions(), options.maxReplicas());
        out.println("Starting a Kafka broker (KRaft, in a child JVM)...");
        LiveLog log = new LiveLog(3600);
        KafkaBroker broker = KafkaBroker.start();
        Vertx web = null;
        LiveWebServer server = null;
        Runnable detach = () -> { };
        PipelineRun.Result result;
        try {
            out.println("Broker at " + broker.bootstrapServers());
            if (options.view() != DemoOptions.View.HEADLESS) {
                web = Vertx.vertx();
                server = new LiveWebServer(web, log, "ebb pipeline — ingest → enrich → store, " + trace.name());
                int port = DemoCommand.listen(server, options.port(), out);
                String url = "http://localhost:" + port + "/";
                out.println("Live view: " + url);
                if (options.view() == DemoOptions.View.BROWSER) {
                    DemoCommand.openBrowser(url, out);
                }
            }
            detach = new TerminalView(out).attach(log);
            PipelineRun.Settings settings = new PipelineRun.Settings("", trace, policy, options.partitions(), rate,
                    options.pollInterval(), Duration.ofSeconds(90), options.out(), true);
            out.println("Workloads: " + options.out().resolve("pipeline.yaml").toAbsolutePath());
            result = new PipelineRun(broker, settings, log, out).run();
        } finally {
            detach.run();
            if (server != null) {
                server.close();
            }
            if (web != null) {
                web.close().await();
            }
            broker.close();
        }
        Files.writeString(options.out().resolve("summary.txt"), result.text() + "\n");
        out.println();
        out.println(result.text());
        out.println();
        out.println("Summary: " + options.out().resolve("summary.txt").toAbsolutePath());
        return result;
    }

    /** The demo's drain policy for each stage (the same settings as {@code ebb demo} with these workers). */
    static DemoRun.Policy policy(PipelineOptions options) {
        DemoOptions demo = DemoOptions.parse(new String[] {"--partitions", String.valueOf(options.partitions()),
                "--worker-rate", String.valueOf(options.workerRate()), "--max-replicas",
                String.valueOf(options.maxReplicas())});
        return DemoCommand.policy(demo, options.workerRate());
    }
}
