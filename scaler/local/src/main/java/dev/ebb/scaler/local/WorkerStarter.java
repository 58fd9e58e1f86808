package dev.ebb.scaler.local;

/**
 * Starts one in-process worker of a local thread pool. The returned handle's {@code close()} must drain the worker
 * gracefully (finish in-flight records, commit, leave the group), the same as SIGTERM does for a worker process.
 *
 * <p>For an SDK function this is {@code index -> FunctionWorker.start(fn, config)}.
 */
@FunctionalInterface
public interface WorkerStarter {

    /**
     * @param index 0-based number of this worker in its pool, unique over the pool's lifetime (for client ids, logs)
     */
    AutoCloseable start(int index) throws Exception;
}
