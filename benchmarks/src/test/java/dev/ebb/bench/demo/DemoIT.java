package dev.ebb.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short demo, headless, end to end: a real broker, the real scaler loop in local mode, SDK workers from zero.
 * Asserts what happened, never how fast.
 */
class DemoIT {

    @Test
    void shortDemoScalesUpForTheBurstBackToTheMinimumAndLosesNothing(@TempDir Path out) throws Exception {
        Set<Long> childrenBefore = ProcessHandle.current().descendants().map(ProcessHandle::pid)
                .collect(Collectors.toSet());
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();

        DemoCommand.Outcome outcome;
        try (PrintStream print = new PrintStream(terminal, true, StandardCharsets.UTF_8)) {
            outcome = DemoCommand.execute(DemoOptions.parse(new String[] {"--short", "--headless", "--out",
                    out.toString()}), print);
        }

        DemoSummary summary = outcome.result().summary();
        ReplicaTimeline timeline = outcome.result().timeline();
        Instant burst = outcome.result().burstStart().orElseThrow();
        String log = terminal.toString(StandardCharsets.UTF_8);

        assertThat(timeline.changes()).as("scale changes; terminal:%n%s", log)
                .anySatisfy(c -> {
                    assertThat(c.requestedAt()).isAfterOrEqualTo(burst);
                    assertThat(c.to()).isGreaterThan(1);
                });
        assertThat(summary.finalReplicas()).as("replicas after the trace").isEqualTo(summary.minReplicas());
        assertThat(timeline.changes().get(timeline.changes().size() - 1).to()).isEqualTo(summary.minReplicas());

        assertThat(summary.produced()).isGreaterThan(summary.burstRecords()).isGreaterThan(1000);
        assertThat(summary.lost()).isZero();
        assertThat(summary.processed()).isEqualTo(summary.produced());

        assertThat(outcome.brokerStopped()).isTrue();
        assertNoNewChildProcesses(childrenBefore);
        assertNoWorkerThreads(summary.label());

        assertThat(log).contains("ACTIVATE").contains("scaled").contains("records lost            : 0");
        assertThat(outcome.report()).exists();
        JsonObject json = new JsonObject(Files.readString(out.resolve("summary.json")));
        assertThat(json.getLong("lost")).isZero();
        assertThat(json.getLong("produced")).isEqualTo(summary.produced());
        assertThat(json.getJsonArray("samples")).isNotEmpty();
        assertThat(Files.readString(outcome.report())).contains("<svg").contains("Decision log");
    }

    private static void assertNoNewChildProcesses(Set<Long> before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Set<ProcessHandle> fresh;
        do {
            fresh = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                    .filter(p -> !before.contains(p.pid())).collect(Collectors.toSet());
            if (fresh.isEmpty()) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertThat(fresh.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList())
                .as("processes started by the demo still running").isEmpty();
    }

    private static void assertNoWorkerThreads(String label) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Set<String> alive;
        do {
            alive = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.contains(label) || n.startsWith("ebb-demo") || n.startsWith("ebb-local"))
                    .collect(Collectors.toSet());
            if (alive.isEmpty()) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertThat(alive).as("demo threads still running").isEmpty();
    }
}
