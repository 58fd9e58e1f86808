package dev.ebb.scaler.local;

import dev.ebb.function.Codecs;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.FunctionWorker;
import dev.ebb.function.WorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * A worker process for {@link ShareGroupScalingIT}: an SDK function that answers {@code WORKER_ID|value}, so the
 * output shows which worker processed (and so acknowledged) each record. {@code TEST_WORK} is the per-record cost;
 * {@code TEST_PID_DIR} gets a file named by the process id.
 */
public final class ShareProbeWorker {
    private ShareProbeWorker() {
    }

    public static void main(String[] args) throws IOException {
        WorkerConfig config = WorkerConfig.fromEnv();
        long work = WorkerConfig.parseDuration(System.getenv().getOrDefault("TEST_WORK", "0")).toNanos();
        String id = config.workerId();
        String pids = System.getenv("TEST_PID_DIR");
        if (pids != null) {
            // The test finds its workers here, to SIGKILL some of them.
            Files.writeString(Path.of(pids, Long.toString(ProcessHandle.current().pid())), id);
        }
        FunctionWorker.run(EbbFunction.of(Codecs.string(), Codecs.string(), r -> {
            LockSupport.parkNanos(work);
            return id + "|" + r.value();
        }), config);
    }

}
