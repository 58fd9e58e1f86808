package dev.ebb.function;

import java.util.Objects;
import java.util.Optional;

/**
 * A function plus the codecs of its input and output: what {@link FunctionWorker} runs.
 *
 * <pre>{@code
 * EbbFunction<String, String> upper = EbbFunction.of(Codecs.string(), Codecs.string(), r -> r.value().toUpperCase());
 * }</pre>
 */
public final class EbbFunction<I, O> {
  private final Codec<I> input;
  private final Codec<O> output;
  private final RecordFunction<I, O> recordFunction;
  private final BatchFunction<I, O> batchFunction;

  private EbbFunction(Codec<I> input, Codec<O> output, RecordFunction<I, O> recordFunction,
                      BatchFunction<I, O> batchFunction) {
    this.input = Objects.requireNonNull(input, "input codec");
    this.output = Objects.requireNonNull(output, "output codec");
    this.recordFunction = recordFunction;
    this.batchFunction = batchFunction;
  }

  /** A record-at-a-time function. */
  public static <I, O> EbbFunction<I, O> of(Codec<I> input, Codec<O> output, RecordFunction<I, O> function) {
    return new EbbFunction<>(input, output, Objects.requireNonNull(function, "function"), null);
  }

  /** A function that receives batches of records (see {@link BatchFunction} for its failure semantics). */
  public static <I, O> EbbFunction<I, O> batch(Codec<I> input, Codec<O> output, BatchFunction<I, O> function) {
    return new EbbFunction<>(input, output, null, Objects.requireNonNull(function, "function"));
  }

  public Codec<I> inputCodec() {
    return input;
  }

  public Codec<O> outputCodec() {
    return output;
  }

  /** Present for record functions. */
  public Optional<RecordFunction<I, O>> recordFunction() {
    return Optional.ofNullable(recordFunction);
  }

  /** Present for batch functions. */
  public Optional<BatchFunction<I, O>> batchFunction() {
    return Optional.ofNullable(batchFunction);
  }
}
