package dev.ebb.scaler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line of {@code ebb status}; listing against an API server is in {@link StatusCommandIT}. */
class StatusCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return StatusCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpAndVersionExitZero() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: ebb status", "-A, --all-namespaces",
                "-n, --namespace=NS");
        out.reset();
        assertThat(run("-V")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("ebb status ");
    }

    @Test
    void unknownOptionsAndContradictionsAreUsageErrors() {
        assertThat(run("--namespace=shop", "--all-namespaces", "--wide")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("ebb status: Unknown option --wide",
                "ebb status: --namespace cannot be combined with --all-namespaces", "Run 'ebb status --help'");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
