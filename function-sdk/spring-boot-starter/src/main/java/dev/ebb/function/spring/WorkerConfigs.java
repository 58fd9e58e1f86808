package dev.ebb.function.spring;

import dev.ebb.function.ConfigException;
import dev.ebb.function.WorkerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ebb.function.*} to the SDK's {@link WorkerConfig}, through its public builder. The SDK validates; its
 * messages name environment variables ({@code EBB_RETRIES}), which are rewritten here to the property a Spring user
 * wrote ({@code ebb.function.retries}).
 */
final class WorkerConfigs {
  private static final Pattern KAFKA_PREFIX = Pattern.compile(Pattern.quote(WorkerConfig.KAFKA_PREFIX) + "\\*?");
  private static final Pattern SETTING = Pattern.compile("\\bEBB_([A-Z][A-Z_]*[A-Z])\\b");

  private WorkerConfigs() {}

  /**
   * @param fallbackBootstrapServers used when {@code ebb.function.bootstrap-servers} is unset (Spring Kafka's
   *                                 {@code spring.kafka.bootstrap-servers})
   * @throws EbbFunctionConfigurationException naming every problem
   */
  static WorkerConfig from(EbbFunctionProperties p, Optional<String> fallbackBootstrapServers) {
    List<String> problems = new ArrayList<>();
    WorkerConfig.Builder b = WorkerConfig.builder();
    String bootstrap = p.getBootstrapServers() != null ? p.getBootstrapServers()
        : fallbackBootstrapServers.orElse(null);
    if (bootstrap != null) {
      b.bootstrapServers(bootstrap);
    }
    if (p.getTopics() != null) {
      b.topics(p.getTopics().stream().map(t -> t == null ? "" : t.trim()).toList());
    }
    if (present(p.getGroup()) && present(p.getShareGroup())) {
      problems.add("Invalid value " + p.getShareGroup() + " for " + property(WorkerConfig.SHARE_GROUP) + ": set either "
          + property(WorkerConfig.GROUP) + " or " + property(WorkerConfig.SHARE_GROUP) + ", not both");
      b.group(p.getGroup().trim()); // so that the builder does not also report a missing group
    } else if (present(p.getShareGroup())) {
      b.shareGroup(p.getShareGroup().trim());
    } else if (p.getGroup() != null) {
      b.group(p.getGroup().trim());
    }
    set(b::outputTopic, blankToNull(p.getOutputTopic()));
    set(b::dlqTopic, blankToNull(p.getDlqTopic()));
    set(b::retries, p.getRetries());
    set(b::retryBackoff, p.getRetryBackoff());
    set(b::retryBackoffMax, p.getRetryBackoffMax());
    set(b::concurrency, p.getConcurrency());
    set(b::ordering, p.getOrdering());
    set(b::groupProtocol, p.getGroupProtocol());
    set(b::guarantee, p.getProcessingGuarantee());
    set(b::commitInterval, p.getCommitInterval());
    set(b::shutdownGrace, p.getShutdownGrace());
    set(b::maxInFlight, p.getMaxInFlight());
    if (p.getHttpPort() == null) {
      b.httpOff();
    } else {
      b.httpPort(p.getHttpPort());
    }
    set(b::offsetReset, p.getOffsetReset() == null ? null : p.getOffsetReset().trim().toLowerCase(Locale.ROOT));
    set(b::workerId, p.getWorkerId());
    if (p.getKafka() != null) {
      p.getKafka().forEach((k, v) -> {
        if (k == null || k.isBlank()) {
          problems.add("Invalid value '' for " + EbbFunctionProperties.PREFIX + ".kafka: a key must not be empty");
        } else {
          b.kafka(k, v);
        }
      });
    }
    try {
      WorkerConfig config = b.build();
      if (problems.isEmpty()) {
        return config;
      }
    } catch (ConfigException e) {
      e.problems().forEach(m -> problems.add(rename(m)));
    }
    throw new EbbFunctionConfigurationException(problems);
  }

  /** {@code EBB_SHARE_GROUP} → {@code ebb.function.share-group}; {@code EBB_KAFKA_*} → {@code ebb.function.kafka.*}. */
  static String rename(String message) {
    String m = KAFKA_PREFIX.matcher(message).replaceAll(Matcher.quoteReplacement(EbbFunctionProperties.PREFIX
        + ".kafka.*"));
    return SETTING.matcher(m).replaceAll(r -> Matcher.quoteReplacement(property("EBB_" + r.group(1))));
  }

  static String property(String setting) {
    return EbbFunctionProperties.PREFIX + "."
        + setting.substring("EBB_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static <T> void set(Consumer<T> setter, T value) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
