package dev.ebb.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void defaultsToTheFewMinuteDemoWithABrowser() {
        DemoOptions o = DemoOptions.parse(new String[0]);

        assertThat(o.trace()).isEqualTo("demo");
        assertThat(o.mode()).isEqualTo("drain");
        assertThat(o.workers()).isEqualTo(DemoOptions.Workers.THREADS);
        assertThat(o.view()).isEqualTo(DemoOptions.View.BROWSER);
        assertThat(o.partitions()).isEqualTo(8);
        assertThat(o.maxReplicas()).isEqualTo(8);
        assertThat(o.out().toString()).startsWith("ebb-demo");
    }

    @Test
    void parsesEveryOption() {
        DemoOptions o = DemoOptions.parse(new String[] {"--short", "--duration", "1m30s", "--mode=threshold",
                "--partitions", "4", "--workers", "process", "--worker-rate", "250", "--poll", "500ms",
                "--max-replicas", "3", "--headless", "--port", "0", "--out", "/tmp/x"});

        assertThat(o.trace()).isEqualTo("short");
        assertThat(o.duration()).contains(Duration.ofSeconds(90));
        assertThat(o.mode()).isEqualTo("threshold");
        assertThat(o.partitions()).isEqualTo(4);
        assertThat(o.workers()).isEqualTo(DemoOptions.Workers.PROCESS);
        assertThat(o.workerRate()).isEqualTo(250);
        assertThat(o.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.maxReplicas()).isEqualTo(3);
        assertThat(o.view()).isEqualTo(DemoOptions.View.HEADLESS);
        assertThat(o.port()).isZero();
        assertThat(o.out()).isEqualTo(Path.of("/tmp/x"));
    }

    @Test
    void reportsEveryBadArgumentAtOnce() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--mode", "fast", "--partitions", "0",
                "--duration", "soon", "--workers", "pods", "--port", "x", "--what"}))
                .hasMessageContaining("Invalid value 'fast' for --mode: must be drain or threshold")
                .hasMessageContaining("Invalid value 0 for --partitions: must be >= 1")
                .hasMessageContaining("Invalid value 'soon' for --duration")
                .hasMessageContaining("Invalid value 'pods' for --workers")
                .hasMessageContaining("Invalid value 'x' for --port: must be a number")
                .hasMessageContaining("Unknown option --what");
    }

    @Test
    void commandExitsWithTwoOnBadArgumentsAndZeroOnHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int bad = DemoCommand.run(new String[] {"--trace", "weekly"}, new PrintStream(out), new PrintStream(err));
        int help = DemoCommand.run(new String[] {"--help"}, new PrintStream(out), new PrintStream(err));

        assertThat(bad).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid value 'weekly' for --trace");
        assertThat(help).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: ebb demo").contains("--headless");
    }

    @Test
    void parsesDurationsInTheScalerStyle() {
        assertThat(DemoOptions.parseDuration("--x", "1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DemoOptions.parseDuration("--x", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DemoOptions.parseDuration("--x", "1h30m")).isEqualTo(Duration.ofMinutes(90));
        // One grammar for the CRD, files, flags and the SDK: ISO-8601 is refused everywhere.
        assertThatThrownBy(() -> DemoOptions.parseDuration("--x", "PT5S")).hasMessageContaining("for --x");
        assertThatThrownBy(() -> DemoOptions.parseDuration("--x", "5 minutes")).hasMessageContaining("for --x");
    }
}
