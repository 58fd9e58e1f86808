package dev.ebb.scaler.cli;

import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.policy.OffsetResetPolicy;
import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.lag.GroupQuery.Isolation;
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

/**
 * The parsed arguments of {@code ebb lag}. {@link #parse} reports every problem at once.
 */
record LagArgs(String bootstrapServers, List<String> groups, List<String> topics, GroupKind kind,
               Isolation isolation, OffsetResetPolicy reset, LagArgs.Mode mode, Duration interval, OptionalLong count,
               LagArgs.Output output, Map<String, Object> clientConfig, Duration timeout) {

    enum Mode { ONCE, WATCH }

    enum Output { TABLE, JSON }

    static final String USAGE = """
            Usage: ebb lag --bootstrap-server HOST:PORT --group GROUP [--group GROUP ...] [options]
                   ebb lag --bootstrap-server HOST:PORT --all-groups [options]
                   ebb lag --bootstrap-server HOST:PORT --list [--kind consumer|share]

            Prints the lag of consumer groups per partition (committed offset, end offset, lag; the same numbers as
            kafka-consumer-groups --describe) and per group: total lag, time lag, arrival and consumption rates.

            Options:
              --bootstrap-server HOST:PORT[,HOST:PORT]  Kafka to connect to (required)
              --group GROUP                 group to observe; repeat for several groups
              --all-groups                  every group of --kind on the cluster, listed again on every poll
              --list                        only print the ids of the groups of --kind, one per line
              --topic TOPIC                 count only these topics, including partitions never committed
                                            (repeatable; default: every topic the group has committed offsets for)
              --kind consumer|share         consumer group (default) or share group
              --isolation read_uncommitted|read_committed
                                            read_committed counts up to the last stable offset (default:
                                            read_uncommitted)
              --reset latest|earliest       lag of partitions without a committed offset: latest → 0 (default),
                                            earliest → every record still in the log
              --watch                       poll again every --interval until stopped (Ctrl-C); rates and time lag
                                            need two polls, so they appear from the second poll on
              --interval DURATION           time between polls with --watch, e.g. 2s, 500ms, 1m (default: 2s)
              --count N                     with --watch: stop after N polls
              --output table|json           output format (default: table); json prints one object per poll
              --command-config FILE         Kafka client properties (security settings) for the Admin client
              --timeout DURATION            how long a poll may take before the broker counts as unreachable
                                            (default: 5s)
              --help                        print this help

            Exit codes: 0 lag printed for every group; 1 a group could not be observed (broker unreachable,
            unknown group, not authorized); 2 bad arguments.
            """;

    private static final Pattern HOST_PORT = Pattern.compile("^[^\\s:,]+:(\\d{1,5})$");

    /** Thrown for arguments that cannot run; the message lists every problem, one per line. */
    static final class BadArguments extends Exception {
        BadArguments(List<String> problems) {
            super(String.join("\n", problems));
        }
    }

    /** Thrown for {@code --help}. */
    static final class HelpRequested extends Exception {
        HelpRequested() {
            super("help");
        }
    }

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
        return "LagArgs[bootstrapServers=" + bootstrapServers + ", groups=" + groups + ", topics=" + topics + ", kind="
                + kind + ", isolation=" + isolation + ", reset=" + reset + ", mode=" + mode + ", interval=" + interval
                + ", count=" + count + ", output=" + output + ", clientConfig="
                + dev.ebb.scaler.lag.KafkaClientSettings.redacted(clientConfig) + ", timeout=" + timeout + "]";
    }

    static LagArgs parse(String[] args) throws BadArguments, HelpRequested {
        return parse(args, LagScope.Kind.GROUPS);
    }

    /** With {@code --all-groups} or {@code --list} ({@link LagScope}), {@code --group} is neither needed nor allowed. */
    static LagArgs parse(String[] args, LagScope.Kind scope) throws BadArguments, HelpRequested {
        List<String> problems = new ArrayList<>();
        String bootstrap = null;
        List<String> groups = new ArrayList<>();
        List<String> topics = new ArrayList<>();
        GroupKind kind = GroupKind.CONSUMER;
        Isolation isolation = Isolation.READ_UNCOMMITTED;
        OffsetResetPolicy reset = OffsetResetPolicy.LATEST;
        Mode mode = Mode.ONCE;
        Duration interval = Duration.ofSeconds(2);
        OptionalLong count = OptionalLong.empty();
        Output output = Output.TABLE;
        Map<String, Object> clientConfig = new LinkedHashMap<>();
        Duration timeout = Duration.ofSeconds(5);
        boolean intervalGiven = false;
        boolean countGiven = false;

        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h" -> throw new HelpRequested();
                case "--watch" -> mode = Mode.WATCH;
                case "--bootstrap-server", "--group", "--topic", "--kind", "--isolation", "--reset", "--interval",
                     "--count", "--output", "--command-config", "--timeout" -> {
                    if (value == null) {
                        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                            problems.add("Missing value for " + name);
                            continue;
                        }
                        value = args[++i];
                    }
                    switch (name) {
                        case "--bootstrap-server" -> {
                            bootstrap = value;
                            for (String server : value.split(",", -1)) {
                                Matcher m = HOST_PORT.matcher(server.trim());
                                if (!m.matches() || Integer.parseInt(m.group(1)) < 1
                                        || Integer.parseInt(m.group(1)) > 65535) {
                                    problems.add("Invalid value '" + value + "' for --bootstrap-server: must be "
                                            + "HOST:PORT[,HOST:PORT...] with a port from 1 to 65535");
                                    break;
                                }
                            }
                        }
                        case "--group" -> {
                            if (value.isBlank()) {
                                problems.add("Invalid value '' for --group: must not be blank");
                            } else if (!groups.contains(value)) {
                                groups.add(value);
                            }
                        }
                        case "--topic" -> {
                            if (value.isBlank()) {
                                problems.add("Invalid value '' for --topic: must not be blank");
                            } else if (!topics.contains(value)) {
                                topics.add(value);
                            }
                        }
                        case "--kind" -> kind = choice(problems, name, value, GroupKind.class, kind);
                        case "--isolation" -> isolation = choice(problems, name, value, Isolation.class, isolation);
                        case "--reset" -> reset = choice(problems, name, value, OffsetResetPolicy.class, reset);
                        case "--output" -> output = choice(problems, name, value, Output.class, output);
                        case "--interval" -> {
                            intervalGiven = true;
                            interval = duration(problems, name, value, interval);
                        }
                        case "--timeout" -> timeout = duration(problems, name, value, timeout);
                        case "--count" -> {
                            countGiven = true;
                            try {
                                long n = Long.parseLong(value);
                                if (n < 1) {
                                    throw new NumberFormatException();
                                }
                                count = OptionalLong.of(n);
                            } catch (NumberFormatException e) {
                                problems.add("Invalid value '" + value + "' for --count: must be a whole number >= 1");
                            }
                        }
                        case "--command-config" -> readClientConfig(problems, value, clientConfig);
                        default -> throw new IllegalStateException(name);
                    }
                }
                default -> problems.add("Unknown argument '" + arg + "' (see --help)");
            }
        }
        if (bootstrap == null) {
            problems.add("Missing --bootstrap-server HOST:PORT");
        }
        if (groups.isEmpty() && scope == LagScope.Kind.GROUPS) {
            problems.add("Missing --group GROUP (at least one), --all-groups or --list");
        } else if (!groups.isEmpty() && scope != LagScope.Kind.GROUPS) {
            problems.add("--group cannot be combined with --all-groups or --list");
        }
        if (mode == Mode.ONCE && intervalGiven) {
            problems.add("--interval needs --watch");
        }
        if (mode == Mode.ONCE && countGiven) {
            problems.add("--count needs --watch");
        }
        if (!problems.isEmpty()) {
            throw new BadArguments(problems);
        }
        return new LagArgs(bootstrap, List.copyOf(groups), List.copyOf(topics), kind, isolation, reset, mode,
                interval, count, output, clientConfig, timeout);
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
