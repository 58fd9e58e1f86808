package dev.ebb.function.spring;

import java.util.List;

/**
 * Invalid {@code ebb.function.*} settings or function beans, found when the application context starts.
 * {@link #problems()} lists every problem at once, each naming the property, the value and the rule.
 */
public final class EbbFunctionConfigurationException extends RuntimeException {
  private final List<String> problems;

  public EbbFunctionConfigurationException(List<String> problems) {
    super("Invalid Ebb function configuration: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
