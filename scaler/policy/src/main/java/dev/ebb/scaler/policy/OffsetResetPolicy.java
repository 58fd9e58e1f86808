package dev.ebb.scaler.policy;

/**
 * The workers' {@code auto.offset.reset}; decides what a partition without a committed offset counts in threshold
 * mode (KEDA's {@code offsetResetPolicy}).
 */
public enum OffsetResetPolicy { LATEST, EARLIEST }
