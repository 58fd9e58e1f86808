package dev.ebb.function;

import java.time.Duration;

/**
 * A snapshot of a worker's counters, the same numbers as its Prometheus metrics.
 *
 * @param processed          records whose processing finished successfully
 * @param failed             records that failed every attempt (dead-lettered or skipped)
 * @param retried            retry attempts
 * @param deadLettered       records sent to the dead-letter topic
 * @param abandoned          records given up unfinished because their partition was revoked or lost, or the shutdown
 *                           grace ran out; the next owner processes them
 * @param inFlight           records fetched and not yet finished
 * @param assignedPartitions partitions currently assigned (0 for share groups)
 * @param busyTime           total time spent inside the function, over all threads
 */
public record WorkerStats(long processed, long failed, long retried, long deadLettered, long abandoned,
                          int inFlight,
                          int assignedPartitions, Duration busyTime) {}
