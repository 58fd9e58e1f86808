package dev.ebb.scaler.local;

import dev.ebb.logging.LogFormat;
import dev.ebb.scaler.cli.Cli;
import dev.ebb.scaler.target.SwarmScaleTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** What {@code ebb local} was given, as picocli reads it; {@link #options()} checks it, naming every problem. */
@Command(name = "ebb local", customSynopsis = {"ebb local --workloads FILE.yaml [pools] [options]", ""},
        description = {"Runs the Ebb scaler on this machine against any Kafka broker. FILE holds ScaledWorkload "
            + "resources (the same YAML kubectl applies); it is re-read when it changes. Each workload's "
            + "spec.scaleTargetRef.name names a local worker pool (at least one): --process, --example-processes, "
            + "--example-threads or --swarm. Workers get EBB_BOOTSTRAP_SERVERS, EBB_TOPICS and EBB_GROUP from the "
            + "workload, and EBB_WORKER_ID=NAME-{index}; {index} is the worker number.", ""})
final class LocalArgs {

    @Option(names = "--workloads", paramLabel = "FILE.yaml", description = "the ScaledWorkloads to scale (required)")
    Path workloads;
    @Option(names = "--process", paramLabel = "NAME=COMMAND", description = "worker processes started from COMMAND "
            + "(split on spaces; quote with ' or \"); scale-down sends SIGTERM, then SIGKILL after --grace")
    List<String> processes = new ArrayList<>();
    @Option(names = "--example-processes", paramLabel = "NAME", description = "processes running the SDK's example "
            + "function OrderEnricher")
    List<String> exampleProcesses = new ArrayList<>();
    @Option(names = "--example-threads", paramLabel = "NAME", description = "in-process threads running "
            + "OrderEnricher")
    List<String> exampleThreads = new ArrayList<>();
    @Option(names = "--swarm", paramLabel = "NAME=SERVICE", description = "the replicas of a Docker Swarm service "
            + "(name or id), through the Docker Engine API at --docker-host (not run against a real Swarm yet)")
    List<String> swarm = new ArrayList<>();
    @Option(names = "--env", paramLabel = "NAME:KEY=VALUE", description = "extra setting for pool NAME (environment "
            + "of its processes, or EBB_* settings of its threads), e.g. --env enricher:EBB_OUTPUT_TOPIC=out")
    List<String> env = new ArrayList<>();
    @Option(names = "--tick", paramLabel = "D", description = "the loop's timer (default 1s; each workload polls at "
            + "its pollInterval)")
    String tick = "1s";
    @Option(names = "--grace", paramLabel = "D", description = "SIGTERM -> SIGKILL grace for processes, drain timeout "
            + "for threads (default 30s)")
    String grace = "30s";
    @Option(names = "--port", paramLabel = "N", description = "port of the live web page (default 7781, 0 = any free "
            + "port)")
    String port = "7781";
    @Option(names = "--headless", description = "no web page")
    boolean headless;
    @Option(names = "--logs", paramLabel = "DIR", description = "write worker process output to DIR/NAME-INDEX.log "
            + "(default: discard)")
    Path logs;
    @Option(names = "--docker-host", paramLabel = "URL", description = "Engine API for --swarm: unix:///path.sock or "
            + "tcp://host:port (default: $DOCKER_HOST, else unix:///var/run/docker.sock)")
    String dockerHost;
    @Option(names = "--log-format", paramLabel = "text|json", description = "the scaler's log lines as text or as "
            + "JSON objects, one per line (default: $EBB_LOG_FORMAT, else text); thread workers log the same way")
    String logFormat;

    static LocalCommand.Options parse(String[] args) {
        return Cli.parse(new LocalArgs(), args, LocalArgs::options);
    }

    LocalCommand.Options options() {
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> commands = new LinkedHashMap<>();
        for (String value : processes) {
            int split = value.indexOf('=');
            if (split <= 0 || split == value.length() - 1) {
                problems.add("Invalid value '" + value + "' for --process: must be NAME=COMMAND");
                continue;
            }
            try {
                commands.put(value.substring(0, split), LocalCommand.tokenize(value.substring(split + 1)));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        Map<String, String> services = new LinkedHashMap<>();
        for (String value : swarm) {
            int split = value.indexOf('=');
            if (split <= 0 || split == value.length() - 1) {
                problems.add("Invalid value '" + value + "' for --swarm: must be NAME=SERVICE");
                continue;
            }
            try {
                services.put(value.substring(0, split), SwarmScaleTarget.validService(value.substring(split + 1)));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        Map<String, Map<String, String>> settings = new HashMap<>();
        for (String value : env) {
            int colon = value.indexOf(':');
            int split = value.indexOf('=', Math.max(colon, 0));
            if (colon <= 0 || split <= colon + 1) {
                problems.add("Invalid value '" + value + "' for --env: must be NAME:KEY=VALUE");
            } else {
                settings.computeIfAbsent(value.substring(0, colon), k -> new LinkedHashMap<>())
                        .put(value.substring(colon + 1, split), value.substring(split + 1));
            }
        }
        Duration tickEvery = positive(problems, "--tick", tick, Duration.ofSeconds(1));
        Duration graceFor = positive(problems, "--grace", grace, Duration.ofSeconds(30));
        int webPort = 7781;
        try {
            webPort = Integer.parseInt(port.trim());
            if (webPort < 0 || webPort > 65535) {
                problems.add("Invalid value " + port + " for --port: must be between 0 and 65535");
            }
        } catch (NumberFormatException e) {
            problems.add("Invalid value '" + port + "' for --port: must be a number");
        }
        Optional<LogFormat> format = Optional.empty();
        if (logFormat != null) {
            format = LogFormat.named(logFormat);
            if (format.isEmpty()) {
                problems.add("Invalid value '" + logFormat + "' for --log-format: must be text or json");
            }
        }
        if (workloads == null) {
            problems.add("Missing --workloads FILE.yaml");
        } else if (!Files.isReadable(workloads)) {
            problems.add("Invalid value '" + workloads + "' for --workloads: no readable file there");
        }
        List<String> names = new ArrayList<>(commands.keySet());
        names.addAll(exampleProcesses);
        names.addAll(exampleThreads);
        names.addAll(services.keySet());
        if (names.isEmpty()) {
            problems.add("No worker pool: give --process NAME=COMMAND, --example-processes NAME, "
                    + "--example-threads NAME or --swarm NAME=SERVICE");
        }
        for (String name : names) {
            if (names.indexOf(name) != names.lastIndexOf(name)) {
                problems.add("Invalid value '" + name + "' for a pool name: given more than once");
                break;
            }
        }
        for (String name : settings.keySet()) {
            if (!names.contains(name)) {
                problems.add("Invalid value '" + name + "' for --env: no pool with this name");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return new LocalCommand.Options(workloads, commands, List.copyOf(exampleProcesses),
                List.copyOf(exampleThreads), settings, tickEvery, graceFor, webPort, !headless,
                Optional.ofNullable(logs), services, Optional.ofNullable(dockerHost), format);
    }

    private static Duration positive(List<String> problems, String option, String value, Duration fallback) {
        try {
            Duration d = dev.ebb.scaler.workload.spec.Durations.parse(option, value);
            if (d.isZero() || d.isNegative()) {
                problems.add("Invalid value '" + value + "' for " + option + ": must be > 0");
                return fallback;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return fallback;
        }
    }
}
