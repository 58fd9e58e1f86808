package dev.ebb.bench.demo;

import dev.ebb.scaler.cli.Cli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of {@code ebb pipeline}. Parsing reports every bad argument at once. */
public record PipelineOptions(String trace, Optional<Duration> duration, int partitions, double workerRate,
                              Duration pollInterval, int maxReplicas, DemoOptions.View view, int port, Path out) {

    @Command(name = "ebb pipeline", description = {"An event pipeline of three SDK functions, each its own "
        + "consumer group and ScaledWorkload:",
        "  ingest  (orders-raw -> orders)            validates and normalizes raw orders",
        "  enrich  (orders -> orders-enriched)       the example OrderEnricher",
        "  store   (orders-enriched -> nothing)      stores every order",
        "Starts a Kafka broker, the three topics and the Ebb scaler in local mode (every stage from zero, in threads), "
            + "drives a load trace into orders-raw and shows live how each stage scales on its own backlog: in the "
            + "terminal and on a web page. At the end it prints per stage the peak replicas and the records "
            + "processed, and checks that every record produced reached the store (0 lost).", ""})
    static final class Spec {
        @Mixin
        LiveRunOptions run = new LiveRunOptions();
        @Option(names = "--partitions", paramLabel = "N", description = "partitions of each topic (default 4)")
        String partitions = "4";
        @Option(names = "--max-replicas", paramLabel = "N", description = "upper bound of each stage's workers "
                + "(default partitions)")
        String maxReplicas;

        PipelineOptions check() {
            List<String> problems = new ArrayList<>();
            LiveRunOptions.Checked c = run.check(problems);
            int p = LiveRunOptions.intBetween(problems, "--partitions", partitions, 1, 64, 4);
            int max = maxReplicas == null ? p
                    : LiveRunOptions.intBetween(problems, "--max-replicas", maxReplicas, 1, 64, p);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", problems));
            }
            return new PipelineOptions(c.trace(), c.duration(), p, c.workerRate(), c.poll(), max, c.view(), c.port(),
                    run.out("ebb-pipeline"));
        }
    }

    /**
     * Parses arguments.
     *
     * @throws Cli.Shown for {@code --help} or {@code --version}
     * @throws IllegalArgumentException naming every bad argument, one per line
     */
    public static PipelineOptions parse(String[] args) {
        return Cli.parse(new Spec(), args, Spec::check);
    }
}
