package dev.ebb.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SimulateCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsHelp() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--trace=NAME|all", "--csv=FILE", "--seed=N");
    }

    @Test
    void reportsEveryBadArgumentAtOnceWithExitCode2() {
        assertThat(run("--slo", "-3s", "--partitions", "0", "--trace", "nope", "--frobnicate", "1")).isEqualTo(2);
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(e).contains("Invalid value '-3s' for slo", "Unknown option --frobnicate");
        assertThat(run("--partitions", "0")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid value 0 for partitions: must be between 1");
        assertThat(run("--trace", "nope")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid value 'nope' for trace");
    }

    @Test
    void replaysACsvAndWritesATableAndAChart(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("tiny.csv");
        Files.writeString(csv, "seconds,records_per_second\n0,300\n30,4000\n60,300\n");
        Path results = dir.resolve("results");

        assertThat(run("--csv", csv.toString(), "--out", results.toString(), "--runs", "2", "--sweep-seeds", "1"))
                .isZero();

        String md = Files.readString(results.resolve("simulation-tiny.md"));
        assertThat(md).contains("## tiny", "| keda-hpa |", "| keda-tuned |", "| ebb-drain |", "| ebb-threshold |",
                "| oracle (replayed) |", "| oracle (fluid plan) |", "lower bound", "median of 2 runs",
                "| ebb-drain rate×0.5 |", "| ebb-drain-kip848 |", "| ebb-drain-window30 |", "`keda-tuned`: lagThreshold");
        assertThat(Files.readString(results.resolve("simulation-tiny.json")))
                .contains("\"name\": \"tiny\"", "\"policy\": \"ebb-drain\"", "\"lowerBoundReplicaSeconds\"",
                        "\"replicaSecondsMax\"");
        String svg = Files.readString(results.resolve("simulation-tiny.svg"));
        assertThat(svg).startsWith("<svg").contains("<polyline", "ebb-drain", "SLO 30s").endsWith("</svg>\n");
    }
}
