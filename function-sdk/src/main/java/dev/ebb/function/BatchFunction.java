package dev.ebb.function;

import java.util.List;

/**
 * A function applied to a batch of records (all records of one dispatch lane from one poll, in offset order per
 * partition).
 *
 * <p>Returns one result per input, in the same order ({@code null} for "no output"); a list of another size fails
 * the attempt. If the batch keeps failing after its retries, the SDK falls back to calling the function with one
 * record at a time, so only the records that fail on their own go to the dead-letter topic.
 */
@FunctionalInterface
public interface BatchFunction<I, O> {
  List<O> apply(List<Record<I>> records) throws Exception;
}
