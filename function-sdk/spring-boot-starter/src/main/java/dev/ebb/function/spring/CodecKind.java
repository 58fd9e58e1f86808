package dev.ebb.function.spring;

import dev.ebb.function.Codec;
import dev.ebb.function.Codecs;
import java.util.List;
import java.util.Map;

/** The SDK codecs selectable from configuration ({@code ebb.function.codec.input/output}). */
public enum CodecKind {
  /** UTF-8 text: {@link Codecs#string()}, values are {@code String}. */
  STRING,
  /**
   * JSON as plain Java values: {@link Codecs#json()}, values are {@code Map<String, Object>}, {@code List<Object>},
   * {@code String}, {@code Long}, {@code Double}, {@code Boolean} or {@code null}.
   */
  JSON,
  /** Raw bytes: {@link Codecs#bytes()}, values are {@code byte[]}. */
  BYTES;

  @SuppressWarnings("unchecked")
  Codec<Object> codec() {
    Codec<?> codec = switch (this) {
      case STRING -> Codecs.string();
      case JSON -> Codecs.json();
      case BYTES -> Codecs.bytes();
    };
    return (Codec<Object>) codec;
  }

  /** The codec whose values fit a declared type, for inference; {@code null} type means unknown. */
  static CodecKind inferFor(Class<?> type) {
    if (type == null || type == String.class || type == CharSequence.class) {
      return STRING;
    }
    if (type == byte[].class) {
      return BYTES;
    }
    return JSON;
  }

  /** Whether a decoded value of this codec can be passed where {@code type} is declared. */
  boolean decodesTo(Class<?> type) {
    if (type == null || type == Object.class) {
      return true;
    }
    return switch (this) {
      case STRING -> type.isAssignableFrom(String.class);
      case BYTES -> type.isAssignableFrom(byte[].class);
      case JSON -> JSON_TYPES.stream().anyMatch(type::isAssignableFrom);
    };
  }

  /** Whether a value declared as {@code type} can be encoded by this codec. */
  boolean encodes(Class<?> type) {
    if (type == null || type == Object.class) {
      return true;
    }
    return switch (this) {
      case STRING -> type == String.class || type.isAssignableFrom(String.class);
      case BYTES -> type == byte[].class;
      // The SDK's JSON writer writes maps, iterables, arrays, numbers and booleans, and anything else as a string.
      case JSON -> true;
    };
  }

  private static final List<Class<?>> JSON_TYPES = List.of(Map.class, List.class, String.class, Long.class,
      Double.class, Boolean.class);

  String settingValue() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
