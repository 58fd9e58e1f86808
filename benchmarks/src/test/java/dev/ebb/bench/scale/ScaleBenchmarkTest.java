package dev.ebb.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleBenchmarkTest {

    @Test
    void classifiesTheScalersRequestsByWhatTheyAreFor() {
        assertThat(RequestKind.classify("GET", "/apis/apps/v1/namespaces/a/deployments/fn/scale"))
                .isEqualTo(RequestKind.GET_SCALE);
        assertThat(RequestKind.classify("PATCH", "/apis/apps/v1/namespaces/a/deployments/fn/scale"))
                .isEqualTo(RequestKind.PATCH_SCALE);
        assertThat(RequestKind.classify("PUT", "/apis/ebb.dev/v1alpha1/namespaces/a/scaledworkloads/w/status"))
                .isEqualTo(RequestKind.STATUS);
        assertThat(RequestKind.classify("POST", "/api/v1/namespaces/a/events")).isEqualTo(RequestKind.EVENTS);
        assertThat(RequestKind.classify("PUT", "/apis/coordination.k8s.io/v1/namespaces/s/leases/ebb-scaler"))
                .isEqualTo(RequestKind.LEASE);
        assertThat(RequestKind.classify("GET", "/apis/ebb.dev/v1alpha1/scaledworkloads?allowWatchBookmarks=true"
                + "&watch=true")).isEqualTo(RequestKind.WATCH);
        assertThat(RequestKind.classify("GET", "/apis/ebb.dev/v1alpha1/scaledworkloads?resourceVersion=0"))
                .isEqualTo(RequestKind.LIST);
        assertThat(RequestKind.classify("GET", "/api/v1/namespaces/a/secrets")).isEqualTo(RequestKind.LIST);
        assertThat(RequestKind.classify("GET", "/api/v1/namespaces/a/secrets/kafka")).isEqualTo(RequestKind.OTHER_GET);
        assertThat(RequestKind.classify("DELETE", "/api/v1/namespaces/a/secrets/kafka")).isEqualTo(RequestKind.OTHER);
    }

    @Test
    void theProbeScrapesOnlyTheFamiliesItReads() {
        io.prometheus.metrics.model.registry.PrometheusRegistry registry =
                new io.prometheus.metrics.model.registry.PrometheusRegistry();
        new dev.ebb.scaler.metrics.ScalerMetrics(registry);

        List<String> scraped = new ArrayList<>();
        registry.scrape(ScaleProbes::probed).forEach(m -> scraped.add(m.getMetadata().getPrometheusName()));

        assertThat(scraped).containsExactlyInAnyOrder("ebb_decisions", "ebb_scale_changes",
                "ebb_poll_duration_seconds");
    }

    @Test
    void parsesTheMockServersCounts() {
        Map<RequestKind, Long> counts = MockApi.parseStats("GET_SCALE=12,STATUS=3,LEASE=0");

        assertThat(counts).containsEntry(RequestKind.GET_SCALE, 12L).containsEntry(RequestKind.STATUS, 3L)
                .containsEntry(RequestKind.LEASE, 0L).hasSize(3);
    }

    @Test
    void parsesOptionsAndRefusesAWarmupAsLongAsTheRun() {
        ScaleBenchmark.Options defaults = ScaleBenchmark.parse(new String[0]);

        assertThat(defaults.workloads()).isEqualTo(3000);
        assertThat(defaults.minutes()).isEqualTo(10);
        assertThat(defaults.out()).isEqualTo(Path.of("benchmarks", "results"));
        assertThatThrownBy(() -> ScaleBenchmark.parse(new String[] {"--minutes", "1", "--warmup", "60s"}))
                .hasMessageContaining("Invalid value 60s for --warmup: must be shorter than --minutes (1 min)");
        assertThatThrownBy(() -> ScaleBenchmark.parse(new String[] {"--workloads", "0", "--nope", "1"}))
                .hasMessageContaining("Invalid value 0 for --workloads: must be >= 1")
                .hasMessageContaining("Unknown option --nope");
    }

    @Test
    void ratesAndPollTimesCoverOnlyTheSteadyStateAfterTheWarmup() {
        ScaleBenchmark.Options o = ScaleBenchmark.parse(new String[] {"--minutes", "1", "--warmup", "10s"});
        List<ScaleBenchmark.Sample> samples = new ArrayList<>();
        // Warm-up: 10 s with a burst of requests and slow polls that must not count.
        samples.add(sample(5, 0, 0, 0, 0, 500));
        // Steady state from 10 s: 100 decisions/s, one poll a second taking 0.5 s (one second 2.0 s), 30 req/s.
        for (int s = 10; s <= 20; s++) {
            int polls = s - 9;
            double pollSeconds = 0.5 * polls + (s >= 15 ? 1.5 : 0);
            samples.add(sample(s, 100.0 * (s - 10), polls, pollSeconds, polls - (s >= 15 ? 1 : 0),
                    500 + 30L * (s - 10)));
        }

        List<ScaleProbes.HeapReading> heap = List.of(new ScaleProbes.HeapReading(100L << 20, 150L << 20),
                new ScaleProbes.HeapReading(300L << 20, 350L << 20),
                new ScaleProbes.HeapReading(200L << 20, 400L << 20));
        ScaleBenchmark.Result r = ScaleBenchmark.result(o, samples, 1, heap, 5, null, 3000,
                Map.of(), "1", "2", Duration.ofMinutes(2), new ScaleBenchmark.CpuSplit(10, 20, 5));

        assertThat(r.decisionsPerSecond()).isEqualTo(100.0);
        assertThat(r.apiRequestsPerSecond()).isEqualTo(30.0);
        assertThat(r.apiPerSecondByKind()).containsEntry(RequestKind.GET_SCALE, 30.0);
        assertThat(r.pollMedianSeconds()).isEqualTo(0.5);
        assertThat(r.pollMaxSecondsPerSecond()).isEqualTo(2.0);
        assertThat(r.pollsPerSecond()).isEqualTo(1.0);
        assertThat(r.fractionWithinTick()).isEqualTo(0.9);
        assertThat(r.heapAfterGcMax()).isEqualTo(300L << 20);
        assertThat(r.heapAfterGcLast()).isEqualTo(200L << 20);
        assertThat(r.heapInUseShortlyMax()).isEqualTo(400L << 20);
        assertThat(r.leadingFraction()).isEqualTo(10 / 11.0);
        assertThat(ScaleReport.markdown(r)).contains("| decisions per second (on the leader) | 100 |")
                .contains("| GET …/scale (read replicas) | 30.00 |")
                .contains("load average 1 before and 2 after")
                .contains("| share of the steady state holding the lease (leader) | 91 % |")
                .contains("| 10 / 20 / 5 s")
                .contains("loop's first lag poll done")
                .contains("KEDA issue #7453")
                .contains("| heap after GC, highest sample (scaler JVM) | 300 MiB | ≤ 256 MiB: NOT met |")
                .contains("| heap in use 0.1 s after that GC, highest sample (the figure published before) "
                        + "| 400 MiB |");
        assertThat(ScaleReport.markdown(r.withAborted("after 90 s: the mock API server stopped answering")))
                .contains("**The run stopped early, after 90 s: the mock API server stopped answering.**");
    }

    private static ScaleBenchmark.Sample sample(double at, double decisions, long polls, double pollSeconds,
                                                long within, long getScale) {
        Map<RequestKind, Long> requests = new EnumMap<>(RequestKind.class);
        requests.put(RequestKind.GET_SCALE, getScale);
        // Not leading in the last second: the share holding the lease counts it.
        return new ScaleBenchmark.Sample(at, decisions, 0, polls, pollSeconds, within, requests, 0, at < 20);
    }
}
