package dev.ebb.scaler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCommandTest {

    @Test
    void parsesPoolsSettingsAndOptions(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("w.yaml"), "# empty\n");

        LocalCommand.Options o = LocalCommand.parse(new String[] {"--workloads", file.toString(),
                "--process", "enricher=java -Dx='a b' -cp \"lib/*\" Main", "--example-threads", "fast",
                "--env", "enricher:EBB_OUTPUT_TOPIC=out", "--env=fast:EBB_EXAMPLE_WORK=5ms", "--tick", "500ms",
                "--grace=10s", "--port", "0", "--headless"});

        assertThat(o.processes().get("enricher")).containsExactly("java", "-Dx=a b", "-cp", "lib/*", "Main");
        assertThat(o.exampleThreads()).containsExactly("fast");
        assertThat(o.env().get("enricher")).containsEntry("EBB_OUTPUT_TOPIC", "out");
        assertThat(o.env().get("fast")).containsEntry("EBB_EXAMPLE_WORK", "5ms");
        assertThat(o.tick()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.grace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.port()).isZero();
        assertThat(o.web()).isFalse();
    }

    @Test
    void reportsEveryBadArgumentAtOnce() {
        assertThatThrownBy(() -> LocalCommand.parse(new String[] {"--workloads", "/nonexistent/w.yaml",
                "--process", "broken", "--tick", "-1s", "--port", "70000", "--env", "ghost:A=1", "--bogus", "x"}))
                .hasMessageContaining("Invalid value '/nonexistent/w.yaml' for --workloads")
                .hasMessageContaining("Invalid value 'broken' for --process: must be NAME=COMMAND")
                .hasMessageContaining("Invalid value '-1s' for --tick")
                .hasMessageContaining("Invalid value 70000 for --port")
                .hasMessageContaining("Invalid value 'ghost' for --env: no pool with this name")
                .hasMessageContaining("Unknown option --bogus")
                .hasMessageContaining("No worker pool");
    }

    @Test
    void runExitsWithTwoAndAClearMessageOnBadArguments() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = LocalCommand.run(new String[] {"--process", "x"}, new PrintStream(out), new PrintStream(err));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Missing --workloads FILE.yaml")
                .contains("ebb local --help");
    }

    @Test
    void unknownOptionIsAUsageErrorAndVersionSucceeds(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("w.yaml"), "# empty\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = LocalCommand.run(new String[] {"--workloads=" + file, "--example-threads=a", "--frobnicate"},
                new PrintStream(out), new PrintStream(err));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("ebb local: Unknown option --frobnicate");
        assertThat(LocalCommand.run(new String[] {"--version"}, new PrintStream(out), new PrintStream(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("ebb local ");
    }

    @Test
    void takesTheLogFormatAndRefusesOneItDoesNotKnow(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("w.yaml"), "# empty\n");

        assertThat(LocalCommand.parse(new String[] {"--workloads", file.toString(), "--example-threads", "a",
            "--log-format=json"}).logFormat()).contains(dev.ebb.logging.LogFormat.JSON);
        assertThatThrownBy(() -> LocalCommand.parse(new String[] {"--workloads", file.toString(),
            "--example-threads", "a", "--log-format", "yaml"}))
                .hasMessageContaining("Invalid value 'yaml' for --log-format: must be text or json");
    }

    @Test
    void workerProcessesLogInTheScalersFormatUnlessTheirPoolSaysOtherwise(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("w.yaml"), "# empty\n");
        LocalCommand.Options json = LocalCommand.parse(new String[] {"--workloads", file.toString(),
            "--process", "a=worker", "--process", "b=worker", "--env", "b:EBB_LOG_FORMAT=text", "--log-format=json"});
        LocalCommand.Options plain = LocalCommand.parse(new String[] {"--workloads", file.toString(),
            "--process", "a=worker"});

        assertThat(LocalCommand.processEnvironment("a", null, json)).containsEntry("EBB_LOG_FORMAT", "json")
                .containsEntry("EBB_WORKER_ID", "a-{index}");
        assertThat(LocalCommand.processEnvironment("b", null, json)).containsEntry("EBB_LOG_FORMAT", "text");
        assertThat(LocalCommand.processEnvironment("a", null, plain)).doesNotContainKey("EBB_LOG_FORMAT");
    }

    @Test
    void helpPrintsUsageAndSucceeds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int code = LocalCommand.run(new String[] {"--help"}, new PrintStream(out), System.err);

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: ebb local --workloads FILE.yaml")
                .contains("--example-threads");
    }

    @Test
    void tokenizesQuotedWordsWithoutAShell() {
        assertThat(LocalCommand.tokenize("  sh -c 'echo $HOME; sleep 1'  \"two words\"x "))
                .isEqualTo(List.of("sh", "-c", "echo $HOME; sleep 1", "two wordsx"));
        assertThatThrownBy(() -> LocalCommand.tokenize("echo 'open")).hasMessageContaining("unclosed quote");
    }
}
