package dev.ebb.function.it;

import dev.ebb.function.Codecs;
import dev.ebb.function.EbbFunction;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** The test function: emits {@code id,worker} after an optional artificial cost; ids starting "poison" fail, "oom" ones throw a fatal error. */
final class TaggingFunction {
  private TaggingFunction() {}

  static EbbFunction<String, String> of(String worker, Duration work) {
    return EbbFunction.of(Codecs.string(), Codecs.string(), r -> {
      if (r.value().startsWith("oom")) {
        throw new OutOfMemoryError("simulated by the test");
      }
      if (r.value().startsWith("poison")) {
        throw new IllegalArgumentException("cannot process " + r.value());
      }
      if (!work.isZero()) {
        LockSupport.parkNanos(work.toNanos());
      }
      return r.value() + "," + worker;
    });
  }
}
