package dev.ebb.function;

/** Setting {@code EBB_PROCESSING_GUARANTEE}. */
public enum ProcessingGuarantee {
  /** Offsets are committed after processing; a crash re-delivers records processed since the last commit. */
  AT_LEAST_ONCE,
  /**
   * Transactional consume-transform-produce: outputs, dead letters and input offsets of one poll are committed in
   * one Kafka transaction. Consumers of the output with {@code isolation.level=read_committed} see each result once.
   */
  EXACTLY_ONCE
}
