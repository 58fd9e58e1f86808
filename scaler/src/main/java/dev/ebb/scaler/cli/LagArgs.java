package dev.ebb.scaler.cli;

import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.lag.GroupQuery.Isolation;
import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.policy.OffsetResetPolicy;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The parsed arguments of {@code ebb lag}. {@link #parse} reports every problem at once: picocli reads what was typed
 * into a {@link Spec}, {@link Spec#check()} validates it.
 */
record LagArgs(LagArgs.Scope scope, String bootstrapServers, List<String> groups, List<String> topics,
               GroupKind kind, Isolation isolation, OffsetResetPolicy reset, LagArgs.Mode mode, Duration interval,
               OptionalLong count, LagArgs.Output output, Map<String, Object> clientConfig, Duration timeout) {

    /**
     * Which groups: the {@code --group}s given, every group of the kind ({@code --all-groups}), or only their ids
     * ({@code --list}), as {@code kafka-consumer-groups} has them.
     */
    enum Scope { GROUPS, ALL_GROUPS, LIST }

    enum Mode { ONCE, WATCH }

    enum Output { TABLE, JSON }

    /** What was typed, as picocli reads it. */
    @Command(name = "ebb lag", customSynopsis = {
        "ebb lag --bootstrap-server HOST:PORT --group GROUP [--group GROUP ...] [options]",
        "       ebb lag --bootstrap-server HOST:PORT --all-groups [options]",
        "       ebb lag --bootstrap-server HOST:PORT --list [--kind consumer|share]", ""},
            description = {"Prints the lag of consumer groups per partition (committed offset, end offset, lag; the "
                + "same numbers as kafka-consumer-groups --describe) and per group: total lag, time lag, arrival and "
                + "consumption rates.", ""},
            footer = {"", "Exit codes: 0 lag printed for every group; 1 a group could not be observed (broker "
                + "unreachable, unknown group, not authorized); 2 bad arguments."})
    static final class Spec {
        @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT[,HOST:PORT]",
                description = "Kafka to connect to (required)")
        String bootstrap;
        @Option(names = "--group", paramLabel = "GROUP", description = "group to observe; repeat for several groups")
        List<String> groups = new ArrayList<>();
        @Option(names = "--all-groups", description = "every group of --kind on the cluster, listed again on every "
                + "poll")
        boolean allGroups;
        @Option(names = "--list", description = "only print the ids of the groups of --kind, one per line")
        boolean list;
        @Option(names = "--topic", paramLabel = "TOPIC", description = "count only these topics, including "
                + "partitions never committed (repeatable; default: every topic the group has committed offsets for)")
        List<String> topics = new ArrayList<>();
        @Option(names = "--kind", paramLabel = "consumer|share", description = "consumer group (default) or share "
                + "group")
        String kind;
        @Option(names = "--isolation", paramLabel = "read_uncommitted|read_committed", description = "read_committed "
                + "counts up to the last stable offset (default: read_uncommitted)")
        String isolation;
        @Option(names = "--reset", paramLabel = "latest|earliest", description = "lag of partitions without a "
                + "committed offset: latest -> 0 (default), earliest -> every record still in the log")
        String reset;
        @Option(names = "--watch", description = "poll again every --interval until stopped (Ctrl-C); rates and time "
                + "lag need two polls, so they appear from the second poll on")
        boolean watch;
        @Option(names = "--interval", paramLabel = "DURATION", description = "time between polls with --watch, e.g. "
                + "2s, 500ms, 1m (default: 2s)")
        String interval;
        @Option(names = "--count", paramLabel = "N", description = "with --watch: stop after N polls")
        String count;
        @Option(names = "--output", paramLabel = "table|json", description = "output format (default: table); json "
                + "prints one object per poll")
        String output;
        @Option(names = "--command-config", paramLabel = "FILE", description = "Kafka client properties (security "
                + "settings) for the Admin client")
        String commandConfig;
        @Option(names = "--timeout", paramLabel = "DURATION", description = "how long a poll may take before the "
                + "broker counts as unreachable (default: 5s)")
        String timeout;

        LagArgs check() {
            return LagArgs.check(this);
        }
    }

    private static final Pattern HOST_PORT = Pattern.compile("^[^\\s:,]+:(\\d{1,5})$");

    List<GroupQuery> queries() {
        List<GroupQuery> queries = new ArrayList<>();
        for (String g : groups) {
            queries.add(new GroupQuery(g, topics, kind, isolation, reset));
        }
        return queries;
    }

    /** As the record's, with secret client settings (JAAS, passwords, keys) shown as {@code [hidden]}. */
    @Override
    public String toString() {
        return "LagArgs[scope=" + scope + ", bootstrapServers=" + bootstrapServers + ", groups=" + groups
                + ", topics=" + topics + ", kind="
                + kind + ", isolation=" + isolation + ", reset=" + reset + ", mode=" + mode + ", interval=" + interval
                + ", count=" + count + ", output=" + output + ", clientConfig="
                + dev.ebb.scaler.lag.KafkaClientSettings.redacted(clientConfig) + ", timeout=" + timeout + "]";
    }

    /**
     * Parses the arguments of {@code ebb lag}.
     *
     * @throws Cli.Shown for {@code --help} or {@code --version}
     * @throws IllegalArgumentException naming every problem, one per line
     */
    static LagArgs parse(String[] args) {
        return Cli.parse(new Spec(), args, Spec::check);
    }

    private static LagArgs check(Spec spec) {
        List<String> problems = new ArrayList<>();
        LagArgs.Scope scope = LagArgs.Scope.GROUPS;
        if (spec.allGroups && spec.list) {
            problems.add("--all-groups and --list cannot be combined");
            scope = LagArgs.Scope.LIST;
        } else if (spec.allGroups) {
            scope = LagArgs.Scope.ALL_GROUPS;
        } else if (spec.list) {
            scope = LagArgs.Scope.LIST;
        }
        String bootstrap = spec.bootstrap;
        if (bootstrap != null) {
            for (String server : bootstrap.split(",", -1)) {
                Matcher m = HOST_PORT.matcher(server.trim());
                if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 65535) {
                    problems.add("Invalid value '" + bootstrap + "' for --bootstrap-server: must be "
                            + "HOST:PORT[,HOST:PORT...] with a port from 1 to 65535");
                    break;
                }
            }
        }
        List<String> groups = distinct(problems, "--group", spec.groups);
        List<String> topics = distinct(problems, "--topic", spec.topics);
        GroupKind kind = spec.kind == null ? GroupKind.CONSUMER
                : choice(problems, "--kind", spec.kind, GroupKind.class, GroupKind.CONSUMER);
        Isolation isolation = spec.isolation == null ? Isolation.READ_UNCOMMITTED
                : choice(problems, "--isolation", spec.isolation, Isolation.class, Isolation.READ_UNCOMMITTED);
        OffsetResetPolicy reset = spec.reset == null ? OffsetResetPolicy.LATEST
                : choice(problems, "--reset", spec.reset, OffsetResetPolicy.class, OffsetResetPolicy.LATEST);
        Output output = spec.output == null ? Output.TABLE
                : choice(problems, "--output", spec.output, Output.class, Output.TABLE);
        Mode mode = spec.watch ? Mode.WATCH : Mode.ONCE;
        Duration interval = spec.interval == null ? Duration.ofSeconds(2)
                : duration(problems, "--interval", spec.interval, Duration.ofSeconds(2));
        Duration timeout = spec.timeout == null ? Duration.ofSeconds(5)
                : duration(problems, "--timeout", spec.timeout, Duration.ofSeconds(5));
        OptionalLong count = OptionalLong.empty();
        if (spec.count != null) {
            try {
                long n = Long.parseLong(spec.count);
                if (n < 1) {
                    throw new NumberFormatException();
                }
                count = OptionalLong.of(n);
            } catch (NumberFormatException e) {
                problems.add("Invalid value '" + spec.count + "' for --count: must be a whole number >= 1");
            }
        }
        Map<String, Object> clientConfig = new LinkedHashMap<>();
        if (spec.commandConfig != null) {
            readClientConfig(problems, spec.commandConfig, clientConfig);
        }
        if (bootstrap == null) {
            problems.add("Missing --bootstrap-server HOST:PORT");
        }
        if (groups.isEmpty() && scope == LagArgs.Scope.GROUPS) {
            problems.add("Missing --group GROUP (at least one), --all-groups or --list");
        } else if (!groups.isEmpty() && scope != LagArgs.Scope.GROUPS) {
            problems.add("--group cannot be combined with --all-groups or --list");
        }
        if (mode == Mode.ONCE && spec.interval != null) {
            problems.add("--interval needs --watch");
        }
        if (mode == Mode.ONCE && spec.count != null) {
            problems.add("--count needs --watch");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return new LagArgs(scope, bootstrap, List.copyOf(groups), List.copyOf(topics), kind, isolation, reset, mode,
                interval, count, output, clientConfig, timeout);
    }

    /** The values given, each once, in order; a blank one is a problem. */
    private static List<String> distinct(List<String> problems, String option, List<String> values) {
        List<String> kept = new ArrayList<>();
        for (String value : values) {
            if (value.isBlank()) {
                problems.add("Invalid value '' for " + option + ": must not be blank");
            } else if (!kept.contains(value)) {
                kept.add(value);
            }
        }
        return kept;
    }

    private static <E extends Enum<E>> E choice(List<String> problems, String name, String value, Class<E> type,
                                                E fallback) {
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            String spelled = e.name().toLowerCase(Locale.ROOT);
            allowed.add(spelled);
            if (spelled.equals(value.toLowerCase(Locale.ROOT).replace('-', '_'))) {
                return e;
            }
        }
        problems.add("Invalid value '" + value + "' for " + name + ": must be one of " + String.join(", ", allowed));
        return fallback;
    }

    static Duration duration(List<String> problems, String name, String value, Duration fallback) {
        Duration d;
        try {
            d = dev.ebb.common.Durations.parse(name, value.trim());
        } catch (IllegalArgumentException e) {
            d = null;
        }
        if (d == null || d.isZero()) {
            problems.add("Invalid value '" + value + "' for " + name + ": must be a positive duration such as "
                    + "500ms, 2s or 1m");
            return fallback;
        }
        return d;
    }

    private static void readClientConfig(List<String> problems, String file, Map<String, Object> into) {
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            problems.add("Invalid value '" + file + "' for --command-config: file not found or not readable");
            return;
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            problems.add("Invalid value '" + file + "' for --command-config: cannot read it as properties ("
                    + e.getMessage() + ")");
            return;
        }
        props.forEach((k, v) -> into.put(k.toString(), v.toString()));
    }
}
