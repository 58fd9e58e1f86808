package dev.ebb.cli;

import dev.ebb.scaler.cli.Cli;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Parameters;

/**
 * The {@code ebb} command: one launcher for every subcommand. Each subcommand is a class with
 * {@code public static int run(String[] args)} returning the process exit code.
 */
public final class Ebb {

    record Command(String className, String summary) {
    }

    static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("demo", new Command("dev.ebb.bench.demo.DemoCommand",
                "one machine, one command: Kafka, the scaler and workers, a live view and a report"));
        COMMANDS.put("pipeline", new Command("dev.ebb.bench.demo.PipelineCommand", "an event pipeline (ingest -> enrich -> store): each stage scaled on its own backlog, live"));
        COMMANDS.put("lag", new Command("dev.ebb.scaler.cli.LagCommand",
                "print consumer-group lag per partition (like kafka-consumer-groups --describe) plus rates"));
        COMMANDS.put("simulate", new Command("dev.ebb.bench.sim.SimulateCommand",
                "replay arrival traces through Ebb's policy, KEDA+HPA and an offline oracle"));
        COMMANDS.put("local", new Command("dev.ebb.scaler.local.LocalCommand",
                "run the scaler in local mode from a workloads YAML file (threads or processes as workers)"));
        COMMANDS.put("scaler", new Command("dev.ebb.scaler.cli.ScalerCommand",
                "run the scaler service in a Kubernetes cluster (ScaledWorkload resources)"));
        COMMANDS.put("status", new Command("dev.ebb.scaler.cli.StatusCommand",
                "list every ScaledWorkload with lag, desired, current and the last reason"));
        COMMANDS.put("import-keda", new Command("dev.ebb.scaler.keda.ImportKedaCommand",
                "convert KEDA ScaledObjects (kafka triggers) into ScaledWorkloads, naming what does not carry over"));
        COMMANDS.put("broker", new Command("dev.ebb.cli.BrokerCommand",
                "start a testkit Kafka broker with sample traffic (for trying ebb lag)"));
        COMMANDS.put("bench-lag-poll", new Command("dev.ebb.bench.lagpoll.LagPollBenchmark",
                "benchmark: lag-poll cost for 1,000 groups over 10,000 partitions"));
        COMMANDS.put("bench-sdk", new Command("dev.ebb.bench.sdk.SdkThroughputBenchmark",
                "benchmark: SDK throughput vs a hand-written consumer loop"));
        COMMANDS.put("bench-api-rate", new Command("dev.ebb.bench.apirate.ApiRateBenchmark",
                "benchmark: Kubernetes API requests/s of one scaler with 1,000 ScaledWorkloads (mock API server)"));
        COMMANDS.put("bench-scale", new Command("dev.ebb.bench.scale.ScaleBenchmark", "benchmark: 3,000 ScaledWorkloads (mock API server) on one scaler: heap, poll time, API calls"));
        COMMANDS.put("bench-e2e", new Command("dev.ebb.bench.e2e.E2eBenchmark",
                "benchmark: live burst on a real broker, Ebb drain mode vs KEDA-like settings"));
        COMMANDS.put("bench-soak", new Command("dev.ebb.bench.soak.SoakBenchmark", "soak: >= 10 min of bursts, worker SIGKILLs and a broker restart; 0 lost"));
    }

    private Ebb() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** The launcher's own command line: {@code ebb [-hV] COMMAND [ARGS...]}; a command parses its own ARGS. */
    @picocli.CommandLine.Command(name = "ebb", customSynopsis = {
        "ebb <command> [options]   (ebb <command> --help for a command's options)", ""})
    static final class Spec {
        @Parameters(index = "0", arity = "0..1", paramLabel = "COMMAND", description = "one of the commands below")
        String command;
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && COMMANDS.containsKey(args[0])) {
            return dispatch(args[0], Arrays.copyOfRange(args, 1, args.length), err);
        }
        if (args.length == 0) {
            out.print(usage());
            return Cli.USAGE;
        }
        try {
            Cli.parse(new Spec(), args, Ebb::known);
        } catch (Cli.Shown shown) {
            // --help gets the command list as well; --version is picocli's.
            out.print(shown.text().startsWith("Usage:") ? usage() : shown.text());
            return Cli.OK;
        } catch (IllegalArgumentException e) {
            Cli.usage("", e.getMessage(), err);
            return Cli.USAGE;
        }
        out.print(usage());
        return Cli.OK;
    }

    private static Spec known(Spec spec) {
        if (spec.command != null) {
            throw new IllegalArgumentException("Unknown command '" + spec.command + "'. Run 'ebb --help' for the list "
                    + "of commands.");
        }
        return spec;
    }

    private static int dispatch(String name, String[] rest, PrintStream err) {
        Command command = COMMANDS.get(name);
        try {
            Method run = Class.forName(command.className()).getMethod("run", String[].class);
            return (Integer) run.invoke(null, (Object) rest);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            err.println("Command '" + name + "' is not available in this build (" + command.className() + ").");
            return 3;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            err.println("ebb " + name + " failed: " + cause);
            return Cli.FAILED;
        } catch (IllegalAccessException e) {
            err.println("Command '" + name + "' cannot be started: " + e.getMessage());
            return 3;
        }
    }

    /** The synopsis, the launcher's options and every command with its summary. */
    static String usage() {
        StringBuilder text = new StringBuilder();
        try {
            Cli.parse(new Spec(), new String[] {"--help"}, spec -> spec);
        } catch (Cli.Shown help) {
            text.append(help.text());
        }
        text.append(System.lineSeparator()).append("Commands:").append(System.lineSeparator());
        COMMANDS.forEach((name, c) -> text.append(String.format("  %-15s %s%n", name, c.summary())));
        return text.toString();
    }
}
