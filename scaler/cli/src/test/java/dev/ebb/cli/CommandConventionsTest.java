package dev.ebb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.bench.apirate.ApiRateBenchmark;
import dev.ebb.bench.demo.DemoCommand;
import dev.ebb.bench.demo.PipelineCommand;
import dev.ebb.bench.e2e.E2eBenchmark;
import dev.ebb.bench.lagpoll.LagPollBenchmark;
import dev.ebb.bench.scale.ScaleBenchmark;
import dev.ebb.bench.soak.SoakBenchmark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every demo and benchmark command keeps the conventions: {@code --help} and {@code --version} exit 0 on standard
 * output, an unknown option exits 2 naming it (and nothing runs). Each command's own options and their
 * {@code --flag=value} form are tested next to the command.
 */
class CommandConventionsTest {

    private record Streams(ByteArrayOutputStream out, ByteArrayOutputStream err) {
        String outText() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String errText() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    /** The commands by name; each gets (args, out, err) and returns its exit code. */
    private static final Map<String, Command> COMMANDS = Map.of(
            "demo", DemoCommand::run,
            "pipeline", PipelineCommand::run,
            "simulate", (a, o, e) -> dev.ebb.bench.sim.SimulateCommand.run(a, o, e),
            "bench-e2e", E2eBenchmark::run,
            "bench-soak", SoakBenchmark::run,
            "bench-scale", ScaleBenchmark::run,
            "bench-lag-poll", LagPollBenchmark::run,
            "bench-api-rate", ApiRateBenchmark::run,
            "bench-sdk", (a, o, e) -> dev.ebb.bench.sdk.SdkThroughputBenchmark.run(a, o, e),
            "broker", (a, o, e) -> BrokerCommand.run(a, o, e));

    @FunctionalInterface
    private interface Command {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    private static Streams run(String name, Function<Streams, Integer> check, String... args) {
        Streams s = new Streams(new ByteArrayOutputStream(), new ByteArrayOutputStream());
        int code = COMMANDS.get(name).run(args, new PrintStream(s.out(), true, StandardCharsets.UTF_8),
                new PrintStream(s.err(), true, StandardCharsets.UTF_8));
        assertThat(code).as("ebb %s %s exit code (stderr: %s)", name, String.join(" ", args), s.errText())
                .isEqualTo(check.apply(s));
        return s;
    }

    @Test
    void helpExitsZeroWithTheCommandsUsage() {
        for (String name : COMMANDS.keySet()) {
            Streams s = run(name, x -> 0, "--help");
            assertThat(s.outText()).as(name).startsWith("Usage: ebb " + name).contains("-h, --help",
                    "-V, --version").doesNotContain("Usage: Usage");
            assertThat(s.errText()).as(name).isEmpty();
        }
    }

    @Test
    void versionExitsZero() {
        for (String name : COMMANDS.keySet()) {
            Streams s = run(name, x -> 0, "--version");
            assertThat(s.outText()).as(name).startsWith("ebb " + name + " ").doesNotContain("${");
        }
    }

    @Test
    void anUnknownOptionIsAUsageErrorThatNamesIt() {
        for (String name : COMMANDS.keySet()) {
            Streams s = run(name, x -> 2, "--no-such-flag=1");
            assertThat(s.errText()).as(name).contains("ebb " + name + ": Unknown option --no-such-flag",
                    "Run 'ebb " + name + " --help' for usage.");
            assertThat(s.outText()).as(name).isEmpty();
        }
    }

    @Test
    void aValueThatIsNotANumberIsAUsageErrorToo() {
        Streams s = run("bench-soak", x -> 2, "--minutes=soon", "--seed", "x");
        assertThat(s.errText()).contains("'--minutes'", "'soon'", "'--seed'", "'x'");
    }
}
