package dev.ebb.function;

/**
 * Headers the SDK adds to a record it sends to the dead-letter topic (values are UTF-8 text). The original key,
 * value and headers are kept.
 */
public final class DeadLetterHeaders {
  private DeadLetterHeaders() {}

  public static final String TOPIC = "ebb.dlq.original.topic";
  public static final String PARTITION = "ebb.dlq.original.partition";
  public static final String OFFSET = "ebb.dlq.original.offset";
  public static final String ERROR_CLASS = "ebb.dlq.error.class";
  public static final String ERROR_MESSAGE = "ebb.dlq.error.message";
  public static final String ATTEMPTS = "ebb.dlq.attempts";
  public static final String GROUP = "ebb.dlq.group";
  public static final String WORKER = "ebb.dlq.worker";
  /**
   * Present when the dead letter would not fit the producer's {@code max.request.size}: the value (and, if that was
   * not enough, the original headers) was cut; the header holds the original value size in bytes. The original
   * record stays readable at {@link #TOPIC}/{@link #PARTITION}/{@link #OFFSET} until retention removes it.
   */
  public static final String TRUNCATED = "ebb.dlq.truncated";
}
