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

    @Command(name = "ebb demo", description = {"Starts a Kafka broker, a topic and the Ebb scaler in local mode "
        + "with the SDK's example function as workers (from zero), drives a load trace (idle, burst, ramp, idle) and "
        + "shows live what the scaler decides: in the terminal and on a web page. At the end it prints and writes a "
        + "summary.", ""})
    static final class Spec {
        @Mixin
        LiveRunOptions run = new LiveRunOptions();
        @Option(names = "--mode", paramLabel = "M", description = "drain | threshold (default drain)")
        String mode = "drain";
        @Option(names = "--partitions", paramLabel = "N", description = "partitions of the input topic (default 8)")
        String partitions;
        @Option(names = "--workers", paramLabel = "W", description = "threads | process (default threads)")
        String workers = "threads";
        @Option(names = "--max-replicas", paramLabel = "N", description = "upper bound of the workers (default "
                + "partitions)")
        String maxReplicas;
        @Option(names = "--share-group", description = "the workers share a queue (KIP-932 share group) instead of "
                + "a consumer group, so they scale past the partition count (default 4 partitions, max-replicas 4 x "
                + "partitions)")
        boolean shareGroup;

        DemoOptions check() {
            List<String> problems = new ArrayList<>();
            LiveRunOptions.Checked c = run.check(problems);
            if (!List.of("drain", "threshold").contains(mode)) {
                problems.add("Invalid value '" + mode + "' for --mode: must be drain or threshold");
            }
            Workers w = switch (workers) {
                case "threads", "thread" -> Workers.THREADS;
                case "process", "processes" -> Workers.PROCESS;
                default -> {
                    problems.add("Invalid value '" + workers + "' for --workers: must be threads or process");
                    yield Workers.THREADS;
                }
            };
            Integer given = partitions == null ? null
                    : LiveRunOptions.intBetween(problems, "--partitions", partitions, 1, 10_000, 8);
            Integer max = maxReplicas == null ? null
                    : LiveRunOptions.intBetween(problems, "--max-replicas", maxReplicas, 1, 10_000, 8);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", problems));
            }
            Group group = shareGroup ? Group.SHARE : Group.CONSUMER;
            int p = given != null ? given : shareGroup ? SHARE_GROUP_PARTITIONS : 8;
            int m = max != null ? max : shareGroup ? p * SHARE_GROUP_WORKERS_PER_PARTITION : p;
            return new DemoOptions(c.trace(), c.duration(), mode, p, w, c.workerRate(), c.poll(), c.view(), c.port(),
                    run.out("ebb-demo"), m, group);
        }
    }

    /**
     * Parses arguments.
     *
     * @throws Cli.Shown for {@code --help} or {@code --version}
     * @throws IllegalArgumentException naming every bad argument, one per line
     */
    public static DemoOptions parse(String[] args) {
        return Cli.parse(new Spec(), args, Spec::check);
    }

    /** Ebb's one duration grammar ({@link dev.ebb.common.Durations}): "90s", "1500ms", "1.5s", "1m30s". */
    public static Duration parseDuration(String option, String value) {
        return dev.ebb.common.Durations.parse(option, value == null ? null : value.trim());
    }
}
