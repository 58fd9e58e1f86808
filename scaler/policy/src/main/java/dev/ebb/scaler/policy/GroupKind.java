package dev.ebb.scaler.policy;

/**
 * The kind of group being scaled. Classic and KIP-848 consumer groups assign each partition to one member, so
 * replicas beyond the partition count sit idle; share groups ("queues for Kafka") spread records of one partition
 * over many members and are not capped by partitions.
 */
public enum GroupKind { CONSUMER, SHARE }
