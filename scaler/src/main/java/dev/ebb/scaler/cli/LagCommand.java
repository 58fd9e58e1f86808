package dev.ebb.scaler.cli;

import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.lag.GroupReport;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * {@code ebb lag}: the lag of consumer (or share) groups, per partition and per group, once or every few seconds.
 *
 * <p>Exit codes: 0 every group's lag was printed; 1 some group could not be observed (broker unreachable within
 * {@code --timeout}, unknown group, not authorized); 2 bad arguments. Expected failures print one line each, never a
 * stack trace.
 */
public final class LagCommand {

    static final int OK = 0;
    static final int UNAVAILABLE = 1;
    static final int BAD_ARGUMENTS = Cli.USAGE;

    private LagCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run("lag", args, out, err, LagArgs::parse, parsed -> lag(parsed, out, err));
    }

    private static int lag(LagArgs parsed, PrintStream out, PrintStream err) {
        quietKafkaLogs();
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, parsed.bootstrapServers());
        config.putAll(parsed.clientConfig());
        // A person reading the numbers wants them exact on every poll; the scaler's caches save requests at scale.
        KafkaAdminLagSource.Settings settings = KafkaAdminLagSource.Settings.defaults()
                .withApiTimeout(parsed.timeout())
                .withoutCaches();
        KafkaAdminLagSource source;
        try {
            source = new KafkaAdminLagSource(config, settings, Clock.systemUTC());
        } catch (RuntimeException e) {
            // Bad client properties (e.g. from --command-config) fail when the Admin client is built.
            err.println("error: cannot create a Kafka client for " + parsed.bootstrapServers() + ": "
                    + e.getMessage());
            return BAD_ARGUMENTS;
        }
        // Only --all-groups and --list need a second Admin client; a null resource is skipped by try.
        // A second Admin client for what the lag source does not read: group ids and partition owners.
        try (source; GroupLister lister = new GroupLister(config, parsed.timeout())) {
            if (parsed.scope() == LagArgs.Scope.LIST) {
                return list(parsed, lister, out, err);
            }
            return poll(parsed, source, out, err, lister, parsed.scope() == LagArgs.Scope.ALL_GROUPS);
        }
    }

    /** {@code --list}: the group ids, one per line, as kafka-consumer-groups --list prints them. */
    private static int list(LagArgs args, GroupLister lister, PrintStream out, PrintStream err) {
        try {
            lister.list(args.kind()).forEach(out::println);
            out.flush();
            return OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNAVAILABLE;
        } catch (ExecutionException | TimeoutException e) {
            err.println("error: cannot list the groups on " + args.bootstrapServers() + ": "
                    + (e.getCause() == null ? e : e.getCause()));
            return UNAVAILABLE;
        }
    }

    /** @param allGroups whether to list the groups again on every poll ({@code --all-groups}) */
    private static int poll(LagArgs args, KafkaAdminLagSource source, PrintStream out, PrintStream err,
                            GroupLister lister, boolean allGroups) {
        List<GroupQuery> queries = args.queries();
        int exit = OK;
        long polls = 0;
        while (true) {
            Instant started = Instant.now();
            if (allGroups) {
                try {
                    queries = lister.list(args.kind()).stream().map(g -> new GroupQuery(g, args.topics(),
                            args.kind(), args.isolation(), args.reset())).toList();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return exit;
                } catch (ExecutionException | TimeoutException e) {
                    err.println("error: cannot list the groups on " + args.bootstrapServers() + ": "
                            + (e.getCause() == null ? e : e.getCause()));
                    return UNAVAILABLE;
                }
                if (queries.isEmpty()) {
                    out.println("No " + (args.kind() == GroupKind.SHARE ? "share" : "consumer")
                            + " groups on " + args.bootstrapServers() + ".");
                }
            }
            Map<GroupQuery, GroupReport> reports;
            try {
                // A command-line thread, not an event loop: waiting here is what the user asked for.
                reports = source.report(queries).toCompletableFuture()
                        .get(args.timeout().toMillis() * 3 + 1_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return exit;
            } catch (ExecutionException | TimeoutException e) {
                err.println("error: no answer from " + args.bootstrapServers() + ": " + e);
                return UNAVAILABLE;
            }
            polls++;
            exit = OK;
            for (Map.Entry<GroupQuery, GroupReport> e : reports.entrySet()) {
                if (LagOutput.problem(e.getKey(), e.getValue(), source.bootstrapServers()).isPresent()) {
                    exit = UNAVAILABLE;
                }
            }
            Map<String, Map<org.apache.kafka.common.TopicPartition, GroupLister.Member>> members;
            try {
                // Only groups whose lag could be read: an unreachable broker is not waited for twice.
                members = lister.members(reports.entrySet().stream()
                        .filter(e -> LagOutput.problem(e.getKey(), e.getValue(), source.bootstrapServers())
                                .isEmpty())
                        .map(e -> e.getKey().groupId()).toList(), args.kind());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return exit;
            }
            Instant at = Instant.now();
            if (args.output() == LagArgs.Output.JSON) {
                out.println(LagOutput.json(reports, source.bootstrapServers(), at, members));
            } else {
                String text = LagOutput.table(reports, source.bootstrapServers(), at,
                        args.mode() == LagArgs.Mode.ONCE, members);
                // Errors go to stderr so that scripts can parse stdout.
                StringBuilder table = new StringBuilder();
                for (String line : text.split("\n")) {
                    if (line.startsWith("error: ")) {
                        err.println(line);
                    } else {
                        table.append(line).append('\n');
                    }
                }
                out.print(table);
                if (args.mode() == LagArgs.Mode.WATCH) {
                    out.println();
                }
            }
            out.flush();
            if (args.mode() == LagArgs.Mode.ONCE
                    || (args.count().isPresent() && polls >= args.count().getAsLong())) {
                return exit;
            }
            Duration elapsed = Duration.between(started, Instant.now());
            // Every --interval, but never less than half of it: rates over a few milliseconds say little.
            Duration pause = args.interval().minus(elapsed);
            Duration half = args.interval().dividedBy(2);
            if (pause.compareTo(half) < 0) {
                pause = half;
            }
            if (!pause.isNegative()) {
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return exit;
                }
            }
        }
    }

    /** The Kafka client logs every failed reconnect as a warning; the command reports failures itself, in one line. */
    private static void quietKafkaLogs() {
        dev.ebb.logging.EbbLogging.silence("org.apache.kafka");
    }
}
