package dev.ebb.function.internal;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One dispatched record and its slot in the tracker. */
public record Pending(ConsumerRecord<byte[], byte[]> record, Segment segment, int index) {}
