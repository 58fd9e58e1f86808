package dev.ebb.function;

/** How records of one partition may run in parallel (setting {@code EBB_ORDERING}). */
public enum Ordering {
  /** One record of a partition at a time, in offset order. Parallelism comes from several partitions. */
  PARTITION,
  /**
   * Records with the same key run in offset order; different keys of one partition may run in parallel on
   * {@code EBB_CONCURRENCY} threads. Records without a key are ordered with each other per partition.
   */
  KEY
}
