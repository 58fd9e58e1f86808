package dev.ebb.function;

/**
 * A function applied to every record: one record in, an optional result out.
 *
 * <p>Return {@code null} for "no output". Throwing means "this attempt failed": the SDK retries with backoff and,
 * after the last attempt, sends the record to the dead-letter topic.
 */
@FunctionalInterface
public interface RecordFunction<I, O> {
  O apply(Record<I> record) throws Exception;
}
