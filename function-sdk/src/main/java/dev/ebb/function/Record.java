package dev.ebb.function;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;

/**
 * One input record as the function sees it: the decoded value plus where it came from.
 *
 * @param topic     source topic
 * @param partition source partition
 * @param offset    offset in the source partition
 * @param timestamp record timestamp
 * @param key       raw key bytes, may be {@code null}
 * @param value     the decoded value
 * @param headers   the record's headers (read them, do not modify them)
 * @param attempt   1 for the first try, 2 for the first retry, ...
 */
public record Record<T>(String topic, int partition, long offset, Instant timestamp, byte[] key, T value,
                        Headers headers, int attempt) {
  public Record {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(headers, "headers");
  }

  /** The key as UTF-8 text, or {@code null} when the record has no key. */
  public String keyAsString() {
    return key == null ? null : new String(key, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return topic + "-" + partition + "@" + offset;
  }
}
