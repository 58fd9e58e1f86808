package dev.ebb.function;

/** The consumer group rebalance protocol (setting {@code EBB_GROUP_PROTOCOL}). */
public enum GroupProtocol {
  /** KIP-848 ({@code group.protocol=consumer}) when the cluster has {@code group.version >= 1}, classic otherwise. */
  AUTO,
  /** KIP-848: incremental, broker-driven rebalances; scaling one worker does not stop the others. */
  CONSUMER,
  /** The classic, client-driven protocol (stop-the-world rebalances with the eager or cooperative assignor). */
  CLASSIC
}
