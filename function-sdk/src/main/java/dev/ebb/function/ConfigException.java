package dev.ebb.function;

import java.util.List;

/** Invalid or missing settings; {@link #problems()} lists every problem found, each naming the setting. */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
