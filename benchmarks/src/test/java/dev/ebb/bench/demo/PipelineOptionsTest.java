package dev.ebb.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineOptionsTest {

    @Test
    void defaultsToTheFewMinuteTraceWithABrowserAndFourPartitions() {
        PipelineOptions o = PipelineOptions.parse(new String[0]);

        assertThat(o.trace()).isEqualTo("demo");
        assertThat(o.view()).isEqualTo(DemoOptions.View.BROWSER);
        assertThat(o.partitions()).isEqualTo(4);
        assertThat(o.maxReplicas()).isEqualTo(4);
        assertThat(o.workerRate()).isEqualTo(100);
        assertThat(o.out().toString()).startsWith("ebb-pipeline");
    }

    @Test
    void parsesEveryOption() {
        PipelineOptions o = PipelineOptions.parse(new String[] {"--short", "--duration", "1m30s", "--partitions=6",
                "--worker-rate", "250", "--poll", "500ms", "--max-replicas", "3", "--headless", "--port", "0",
                "--out", "/tmp/x"});

        assertThat(o.trace()).isEqualTo("short");
        assertThat(o.duration()).contains(Duration.ofSeconds(90));
        assertThat(o.partitions()).isEqualTo(6);
        assertThat(o.workerRate()).isEqualTo(250);
        assertThat(o.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.maxReplicas()).isEqualTo(3);
        assertThat(o.view()).isEqualTo(DemoOptions.View.HEADLESS);
        assertThat(o.port()).isZero();
        assertThat(o.out()).isEqualTo(Path.of("/tmp/x"));
        assertThat(PipelineOptions.parse(new String[] {"--no-browser"}).view())
                .isEqualTo(DemoOptions.View.NO_BROWSER);
    }

    @Test
    void reportsEveryBadArgumentAtOnceNamingOptionValueAndRule() {
        assertThatThrownBy(() -> PipelineOptions.parse(new String[] {"--trace", "long", "--partitions", "0",
                "--worker-rate", "-1", "--port", "70000", "--poll", "0s", "--max-replicas", "x", "--mode", "drain",
                "--out"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid value 'long' for --trace: must be short, demo or burst")
                .hasMessageContaining("Invalid value 0 for --partitions: must be >= 1 and <= 64")
                .hasMessageContaining("Invalid value -1 for --worker-rate")
                .hasMessageContaining("Invalid value 70000 for --port: must be >= 0 and <= 65535")
                .hasMessageContaining("Invalid value '0s' for --poll: must be > 0")
                .hasMessageContaining("Invalid value 'x' for --max-replicas: must be a number")
                .hasMessageContaining("Unknown option --mode")
                .hasMessageContaining("Missing required parameter for option '--out'");
    }

    @Test
    void helpPrintsTheStagesAndBadArgumentsExitWithTwo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            assertThat(PipelineCommand.run(new String[] {"--help"}, o, e)).isZero();
            assertThat(PipelineCommand.run(new String[] {"--partitions", "-3"}, o, e)).isEqualTo(2);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: ebb pipeline", "orders-raw -> orders",
                "orders -> orders-enriched", "orders-enriched -> nothing");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid value -3 for --partitions")
                .contains("ebb pipeline --help");
    }

    @Test
    void eachStageGetsTheDemosDrainPolicyForItsWorkers() {
        DemoRun.Policy policy = PipelineCommand.policy(PipelineOptions.parse(new String[] {"--worker-rate", "50",
                "--max-replicas", "5"}));

        assertThat(policy.mode()).isEqualTo("drain");
        assertThat(policy.minReplicas()).isZero();
        assertThat(policy.maxReplicas()).isEqualTo(5);
        assertThat(policy.settings()).containsEntry("perReplicaRate", 50.0);
    }

    @Test
    void theWorkloadFileHasOneScaledWorkloadPerStageOnItsOwnGroupAndTopic() {
        List<PipelineRun.Stage> stages = PipelineRun.stages("");
        assertThat(stages).extracting(PipelineRun.Stage::input).containsExactly("orders-raw", "orders",
                "orders-enriched");
        String yaml = PipelineRun.workloadsYaml(stages, "localhost:9092", Duration.ofSeconds(1),
                PipelineCommand.policy(PipelineOptions.parse(new String[0])));

        var read = dev.ebb.scaler.local.ScaledWorkloadFile.parse(yaml, "pipeline.yaml");
        assertThat(read.problems()).isEmpty();
        assertThat(read.workloads()).extracting(w -> w.getMetadata().getName())
                .containsExactly("order-ingest", "order-enricher", "order-store");
        assertThat(yaml).contains("consumerGroup: order-ingest\n    topics: [orders-raw]",
                "consumerGroup: order-enricher\n    topics: [orders]",
                "consumerGroup: order-store\n    topics: [orders-enriched]");
    }

    @Test
    void theStoreSinkCountsEachOrderOnceAndWhatWasProducedButNeverStored() {
        PipelineRun.Stored stored = new PipelineRun.Stored();
        stored.accept(LoadGenerator.id(0) + " 12.5");
        stored.accept(LoadGenerator.id(2));
        stored.accept(LoadGenerator.id(2) + " 3");
        stored.accept("not-an-order 1");
        java.util.BitSet produced = new java.util.BitSet();
        produced.set(0, 4);

        assertThat(stored.count()).isEqualTo(2);
        assertThat(stored.again()).isEqualTo(1);
        assertThat(stored.missing(produced)).isEqualTo(2);
    }
}
