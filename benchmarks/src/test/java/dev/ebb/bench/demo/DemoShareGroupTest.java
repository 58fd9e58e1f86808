package dev.ebb.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.function.WorkerConfig;
import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.local.ProcessSpec;
import dev.ebb.scaler.local.ScaledWorkloadFile;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.WorkloadSpecMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ebb demo --share-group}: options and what the run writes for the scaler and the workers. */
class DemoShareGroupTest {

    @Test
    void shareGroupDefaultsToFourPartitionsAndFourWorkersPerPartition() {
        DemoOptions o = DemoOptions.parse(new String[] {"--share-group"});

        assertThat(o.group()).isEqualTo(DemoOptions.Group.SHARE);
        assertThat(o.partitions()).isEqualTo(4);
        assertThat(o.maxReplicas()).isEqualTo(16);
        assertThat(DemoOptions.parse(new String[] {"--share-group", "--partitions", "2"}).maxReplicas()).isEqualTo(8);
        assertThat(DemoOptions.parse(new String[] {"--share-group", "--max-replicas", "5"}).maxReplicas())
                .isEqualTo(5);
        assertThat(DemoOptions.parse(new String[0]).group()).isEqualTo(DemoOptions.Group.CONSUMER);
    }

    @Test
    void theWorkloadWatchesTheShareGroupWithoutAPartitionCap() {
        String yaml = DemoRun.asShareGroup(DemoRun.workloadYaml("t", "localhost:9092", "orders-t", "g-t",
                Duration.ofSeconds(1), new DemoRun.Policy("drain", 0, 16, Map.of("perReplicaRate", 100.0))));

        ScaledWorkloadFile.Parsed parsed = ScaledWorkloadFile.parse(yaml, "workloads.yaml");
        assertThat(parsed.problems()).isEmpty();
        CatalogEntry entry = WorkloadSpecMapper.map(parsed.workloads().get(0));
        assertThat(entry).isInstanceOf(CatalogEntry.Valid.class);
        GroupQuery group = ((CatalogEntry.Valid) entry).workload().group();
        assertThat(group.kind()).isEqualTo(GroupKind.SHARE);
        assertThat(group.groupId()).isEqualTo("g-t");
        assertThat(((CatalogEntry.Valid) entry).workload().policy().maxReplicas()).isEqualTo(16);
    }

    @Test
    void workerProcessesJoinTheShareGroup() {
        ProcessSpec spec = DemoRun.asShareGroup(DemoRun.workerProcess("localhost:9092", "in", "out", "g-t",
                Duration.ofMillis(10), Path.of("logs")));

        assertThat(spec.environment()).containsEntry(WorkerConfig.SHARE_GROUP, "g-t")
                .doesNotContainKey(WorkerConfig.GROUP);
        assertThat(WorkerConfig.from(spec.environment()).isShareGroup()).isTrue();
    }
}
