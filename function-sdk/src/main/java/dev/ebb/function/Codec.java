package dev.ebb.function;

/** Turns record values into function inputs and function results into record values. See {@link Codecs}. */
public interface Codec<T> {
  /** Decodes a record value; {@code bytes} may be {@code null} (a tombstone). Throwing marks the record as poison. */
  T decode(byte[] bytes);

  byte[] encode(T value);
}
