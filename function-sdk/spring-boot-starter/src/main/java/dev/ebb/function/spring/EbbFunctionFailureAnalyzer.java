package dev.ebb.function.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints every {@code ebb.function.*} problem on its own line instead of a stack trace. */
final class EbbFunctionFailureAnalyzer extends AbstractFailureAnalyzer<EbbFunctionConfigurationException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, EbbFunctionConfigurationException cause) {
    StringBuilder description = new StringBuilder("The Ebb function worker cannot start:");
    cause.problems().forEach(p -> description.append(System.lineSeparator()).append("  ").append(p));
    return new FailureAnalysis(description.toString(),
        "Fix the " + EbbFunctionProperties.PREFIX + ".* settings (application.yaml) or the function beans named"
            + " above.", cause);
  }
}
