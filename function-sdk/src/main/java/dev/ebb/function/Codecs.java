package dev.ebb.function;

import dev.ebb.function.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;

/** Codecs for the usual value formats: raw bytes, UTF-8 strings and JSON. */
public final class Codecs {
  private Codecs() {}

  private static final Codec<byte[]> BYTES = new Codec<>() {
    @Override public byte[] decode(byte[] bytes) { return bytes; }
    @Override public byte[] encode(byte[] value) { return value; }
  };

  private static final Codec<String> STRING = new Codec<>() {
    @Override public String decode(byte[] bytes) { return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8); }
    @Override public byte[] encode(String value) { return value == null ? null : value.getBytes(StandardCharsets.UTF_8); }
  };

  private static final Codec<Object> JSON = new Codec<>() {
    @Override public Object decode(byte[] bytes) { return bytes == null ? null : Json.parse(new String(bytes, StandardCharsets.UTF_8)); }
    @Override public byte[] encode(Object value) { return Json.write(value).getBytes(StandardCharsets.UTF_8); }
  };

  public static Codec<byte[]> bytes() {
    return BYTES;
  }

  public static Codec<String> string() {
    return STRING;
  }

  /**
   * JSON as plain Java values: objects are {@code Map<String, Object>}, arrays {@code List<Object>}, numbers
   * {@code Long} or {@code Double}, plus {@code String}, {@code Boolean} and {@code null}. See {@link Json}.
   */
  public static Codec<Object> json() {
    return JSON;
  }

  /**
   * JSON through the caller's own mapper (Jackson, Gson, ...), e.g.
   * {@code Codecs.json(b -> mapper.readValue(b, Order.class), mapper::writeValueAsBytes)}.
   */
  public static <T> Codec<T> json(ThrowingFunction<byte[], T> reader, ThrowingFunction<T, byte[]> writer) {
    return of(reader, writer);
  }

  /** A codec from two functions; checked exceptions are wrapped. */
  public static <T> Codec<T> of(ThrowingFunction<byte[], T> decoder, ThrowingFunction<T, byte[]> encoder) {
    Objects.requireNonNull(decoder, "decoder");
    Objects.requireNonNull(encoder, "encoder");
    return new Codec<>() {
      @Override public T decode(byte[] bytes) { return call(decoder, bytes); }
      @Override public byte[] encode(T value) { return call(encoder, value); }
    };
  }

  /** A codec that maps another codec's values, e.g. strings to your own type. */
  public static <A, T> Codec<T> map(Codec<A> base, Function<A, T> decode, Function<T, A> encode) {
    return new Codec<>() {
      @Override public T decode(byte[] bytes) { return decode.apply(base.decode(bytes)); }
      @Override public byte[] encode(T value) { return base.encode(encode.apply(value)); }
    };
  }

  private static <A, B> B call(ThrowingFunction<A, B> f, A a) {
    try {
      return f.apply(a);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** A function that may throw a checked exception. */
  @FunctionalInterface
  public interface ThrowingFunction<A, B> {
    B apply(A a) throws Exception;
  }
}
