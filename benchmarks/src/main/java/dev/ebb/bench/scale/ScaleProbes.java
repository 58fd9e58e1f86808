package dev.ebb.bench.scale;

import dev.ebb.bench.scale.ScaleBenchmark.CpuSplit;
import dev.ebb.bench.scale.ScaleBenchmark.Sample;
import dev.ebb.scaler.k8s.KubernetesScalerService;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The scale benchmark's measurements: CPU per process, a sample of the scaler's metrics, heap after GC, RSS. */
final class ScaleProbes {

    private ScaleProbes() {
    }

    /** CPU seconds so far of this JVM, the mock API server's and the broker's (this JVM's child processes). */
    static CpuSplit cpu() {
        double self = ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() / 1e9 : Double.NaN;
        double mock = 0;
        double broker = 0;
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            ProcessHandle.Info info = child.info();
            double seconds = info.totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(Double.NaN);
            String command = info.commandLine().orElse("");
            if (command.contains(MockApiServer.class.getName())) {
                mock += seconds;
            } else if (command.toLowerCase(Locale.ROOT).contains("kafka")) {
                broker += seconds;
            }
        }
        return new CpuSplit(self, mock, broker);
    }

    static Sample sample(KubernetesScalerService service, MockApi api, double at) throws IOException {
        double decisions = 0;
        double changes = 0;
        long polls = 0;
        double pollSeconds = 0;
        long within = 0;
        for (MetricSnapshot m : service.metrics().registry().scrape(ScaleProbes::probed)) {
            String name = m.getMetadata().getName();
            if (m instanceof CounterSnapshot c && name.startsWith("ebb_decisions")) {
                decisions += c.getDataPoints().stream().mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                        .sum();
            } else if (m instanceof CounterSnapshot c && name.startsWith("ebb_scale_changes")) {
                changes += c.getDataPoints().stream().mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                        .sum();
            } else if (m instanceof HistogramSnapshot h && name.startsWith("ebb_poll_duration")) {
                for (HistogramSnapshot.HistogramDataPointSnapshot d : h.getDataPoints()) {
                    polls += d.getCount();
                    pollSeconds += d.getSum();
                    within += countUpTo(d.getClassicBuckets(), ScaleBenchmark.TICK.toMillis() / 1000.0);
                }
            }
        }
        return new Sample(at, decisions, changes, polls, pollSeconds, within, api.stats(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), service.leading());
    }

    /**
     * The metric families a sample reads. Only those are scraped: the scaler's 7 gauges per workload (21,000 series at
     * 3,000 workloads) scraped, sorted and validated every second cost the scaler's JVM about a fifth of its CPU
     * samples in a profile, load a Prometheus server (reading every 15-30 s) does not put on it.
     */
    static boolean probed(String name) {
        return name.startsWith("ebb_decisions") || name.startsWith("ebb_scale_changes")
                || name.startsWith("ebb_poll_duration");
    }

    /** Observations at or below {@code bound} (the buckets' counts are per bucket, not cumulative). */
    static long countUpTo(ClassicHistogramBuckets buckets, double bound) {
        long n = 0;
        for (int i = 0; i < buckets.size(); i++) {
            if (buckets.getUpperBound(i) <= bound + 1e-9) {
                n += buckets.getCount(i);
            }
        }
        return n;
    }

    /**
     * One heap reading: two full collections 0.1 s apart (as every run so far did), then
     *
     * @param afterGc the heap the second collection left, as the collector reports it per pool (what "heap after GC"
     *                means: the live objects)
     * @param inUseShortly heap in use 0.1 s after that collection: the live objects plus what the loop allocated in
     *                     those 0.1 s (3,000 decisions a second allocate fast); the measure published before
     */
    record HeapReading(long afterGc, long inUseShortly) {
    }

    static HeapReading heapAfterGc() throws InterruptedException {
        System.gc();
        Thread.sleep(100);
        System.gc();
        long afterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage collected = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (collected != null) {
                afterGc += collected.getUsed();
            }
        }
        Thread.sleep(100);
        return new HeapReading(afterGc, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
