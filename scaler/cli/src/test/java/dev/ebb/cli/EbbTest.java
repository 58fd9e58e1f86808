package dev.ebb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EbbTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int ebb(String... args) {
        return Ebb.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommand() {
        assertThat(ebb("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("demo", "lag", "simulate", "scaler", "status");
    }

    @Test
    void noArgumentsPrintsUsageAndFails() {
        assertThat(ebb()).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: ebb <command>");
    }

    @Test
    void unknownCommandNamesItAndFails() {
        assertThat(ebb("frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown command 'frobnicate'");
    }

    @Test
    void everyRegisteredCommandResolvesToARunMethod() throws Exception {
        for (var entry : Ebb.COMMANDS.entrySet()) {
            Class<?> type = Class.forName(entry.getValue().className());
            assertThat(type.getMethod("run", String[].class).getReturnType())
                    .as("ebb %s", entry.getKey()).isEqualTo(int.class);
        }
    }

    @Test
    void versionAndUnknownOptionsFollowTheConventions() {
        assertThat(ebb("--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("ebb ");
        assertThat(ebb("--frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("ebb: Unknown option --frobnicate");
    }

    @Test
    void commandHelpIsRoutedToTheCommand() {
        assertThat(ebb("lag", "--help")).isZero();
    }
}
