package dev.ebb.scaler.local;

import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.WorkloadCatalog;
import dev.ebb.scaler.workload.WorkloadId;
import dev.ebb.scaler.workload.WorkloadSpecMapper;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode's workloads: {@code ScaledWorkload} resources in a YAML or JSON file (see {@link ScaledWorkloadFile}),
 * mapped with the same {@link WorkloadSpecMapper} as in a cluster. The file is checked for changes on a thread of its
 * own and re-read when it changed, so {@link #entries()} (called on the event loop) never touches the disk. A file that
 * cannot be read any more (deleted, half-written) keeps the last good workloads.
 */
public final class FileWorkloadCatalog implements WorkloadCatalog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileWorkloadCatalog.class);

    private final Path file;
    private final ScheduledExecutorService watcher;
    private volatile List<CatalogEntry> entries;
    private String lastText;

    /**
     * Reads the file now (failing if it cannot be read) and then every {@code checkEvery}.
     */
    public FileWorkloadCatalog(Path file, Duration checkEvery) throws IOException {
        this.file = file;
        String text = Files.readString(file);
        this.entries = entries(text);
        this.lastText = text;
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ebb-workload-file");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(50, checkEvery.toMillis());
        watcher.scheduleWithFixedDelay(this::reloadQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public List<CatalogEntry> entries() {
        return entries;
    }

    /** Re-reads the file if its content changed; returns whether it did. */
    public synchronized boolean reload() throws IOException {
        String text = Files.readString(file);
        if (text.equals(lastText)) {
            return false;
        }
        List<CatalogEntry> next = entries(text);
        lastText = text;
        entries = next;
        LOG.info("Re-read {}: {} workload(s), {} invalid", file, next.size(),
                next.stream().filter(e -> e instanceof CatalogEntry.Invalid).count());
        return true;
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot read {} ({}); keeping the last good workloads", file, e.toString());
        }
    }

    private List<CatalogEntry> entries(String text) {
        ScaledWorkloadFile.Parsed parsed = ScaledWorkloadFile.parse(text, file.getFileName().toString());
        List<CatalogEntry> result = new ArrayList<>();
        for (ScaledWorkload workload : parsed.workloads()) {
            result.add(WorkloadSpecMapper.map(workload));
        }
        int n = 0;
        for (String problem : parsed.problems()) {
            n++;
            result.add(new CatalogEntry.Invalid(new WorkloadId(WorkloadSpecMapper.LOCAL_NAMESPACE,
                    file.getFileName() + "#" + n), List.of(problem)));
        }
        return List.copyOf(result);
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
