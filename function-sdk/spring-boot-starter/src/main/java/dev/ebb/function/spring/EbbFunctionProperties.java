package dev.ebb.function.spring;

import dev.ebb.function.GroupProtocol;
import dev.ebb.function.Ordering;
import dev.ebb.function.ProcessingGuarantee;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code ebb.function.*} in {@code application.yaml}: the SDK's worker settings (the table of
 * {@link dev.ebb.function.WorkerConfig}, {@code EBB_RETRIES} is {@code ebb.function.retries}) plus how the function
 * bean is found and coded. Unset settings keep the SDK's defaults, except {@link #getHttpPort() http-port}, which is
 * off: the actuator serves health and metrics.
 */
@ConfigurationProperties(prefix = EbbFunctionProperties.PREFIX)
public class EbbFunctionProperties {
  public static final String PREFIX = "ebb.function";

  /** Run the worker at all. */
  private boolean enabled = true;
  /** Start the worker with the application context; with false, call EbbFunctionWorker.start() yourself. */
  private boolean autoStartup = true;
  /**
   * Name of the bean to run (a Function, Consumer, RecordFunction or EbbFunction); needed only when the context
   * has several candidates.
   */
  private String definition;
  /** Kafka bootstrap servers; falls back to spring.kafka.bootstrap-servers. */
  private String bootstrapServers;
  /** Input topics. */
  private List<String> topics = new ArrayList<>();
  /** Consumer group id (or share-group). */
  private String group;
  /** Share group id (KIP-932 queue semantics) instead of a consumer group. */
  private String shareGroup;
  /** Topic for the function's results, keyed by the input key. */
  private String outputTopic;
  /** Dead-letter topic for records that fail every attempt; without it they are logged and skipped. */
  private String dlqTopic;
  /** Retries after the first attempt (SDK default 3). */
  private Integer retries;
  /** First retry delay; doubles per retry, with jitter (SDK default 100ms). */
  private Duration retryBackoff;
  /** Cap of the retry delay (SDK default 10s). */
  private Duration retryBackoffMax;
  /** Processing threads (SDK default 1). */
  private Integer concurrency;
  /** partition or key (SDK default partition). */
  private Ordering ordering;
  /** auto, consumer (KIP-848) or classic (SDK default auto). */
  private GroupProtocol groupProtocol;
  /** at-least-once or exactly-once (SDK default at-least-once). */
  private ProcessingGuarantee processingGuarantee;
  /** Offset commit cadence (SDK default 1s). */
  private Duration commitInterval;
  /** Time to finish in-flight records when the context closes or a partition is revoked (SDK default 30s). */
  private Duration shutdownGrace;
  /** Upper bound of records fetched but not finished (SDK default 10000). */
  private Integer maxInFlight;
  /**
   * Port of the SDK's own /healthz, /readyz and /metrics (0 = any free port). Unset: none, the actuator serves
   * health and metrics.
   */
  private Integer httpPort;
  /** Where a new consumer group starts: earliest or latest (SDK default earliest). */
  private String offsetReset;
  /** Client id and transactional id prefix (SDK default $HOSTNAME-random). */
  private String workerId;
  /** Kafka client settings passed through, e.g. ebb.function.kafka.security.protocol: SASL_SSL. */
  private Map<String, String> kafka = new LinkedHashMap<>();
  private final Codec codec = new Codec();

  /** How record values become the bean's input and its result becomes the output value. */
  public static class Codec {
    /** string, json or bytes; unset: inferred from the bean's declared input type (String when unknown). */
    private CodecKind input;
    /** string, json or bytes; unset: inferred from the bean's declared output type (String when unknown). */
    private CodecKind output;

    public CodecKind getInput() { return input; }
    public void setInput(CodecKind input) { this.input = input; }
    public CodecKind getOutput() { return output; }
    public void setOutput(CodecKind output) { this.output = output; }
  }

  public boolean isEnabled() { return enabled; }
  public void setEnabled(boolean enabled) { this.enabled = enabled; }
  public boolean isAutoStartup() { return autoStartup; }
  public void setAutoStartup(boolean autoStartup) { this.autoStartup = autoStartup; }
  public String getDefinition() { return definition; }
  public void setDefinition(String definition) { this.definition = definition; }
  public String getBootstrapServers() { return bootstrapServers; }
  public void setBootstrapServers(String bootstrapServers) { this.bootstrapServers = bootstrapServers; }
  public List<String> getTopics() { return topics; }
  public void setTopics(List<String> topics) { this.topics = topics; }
  public String getGroup() { return group; }
  public void setGroup(String group) { this.group = group; }
  public String getShareGroup() { return shareGroup; }
  public void setShareGroup(String shareGroup) { this.shareGroup = shareGroup; }
  public String getOutputTopic() { return outputTopic; }
  public void setOutputTopic(String outputTopic) { this.outputTopic = outputTopic; }
  public String getDlqTopic() { return dlqTopic; }
  public void setDlqTopic(String dlqTopic) { this.dlqTopic = dlqTopic; }
  public Integer getRetries() { return retries; }
  public void setRetries(Integer retries) { this.retries = retries; }
  public Duration getRetryBackoff() { return retryBackoff; }
  public void setRetryBackoff(Duration retryBackoff) { this.retryBackoff = retryBackoff; }
  public Duration getRetryBackoffMax() { return retryBackoffMax; }
  public void setRetryBackoffMax(Duration retryBackoffMax) { this.retryBackoffMax = retryBackoffMax; }
  public Integer getConcurrency() { return concurrency; }
  public void setConcurrency(Integer concurrency) { this.concurrency = concurrency; }
  public Ordering getOrdering() { return ordering; }
  public void setOrdering(Ordering ordering) { this.ordering = ordering; }
  public GroupProtocol getGroupProtocol() { return groupProtocol; }
  public void setGroupProtocol(GroupProtocol groupProtocol) { this.groupProtocol = groupProtocol; }
  public ProcessingGuarantee getProcessingGuarantee() { return processingGuarantee; }
  public void setProcessingGuarantee(ProcessingGuarantee processingGuarantee) {
    this.processingGuarantee = processingGuarantee;
  }
  public Duration getCommitInterval() { return commitInterval; }
  public void setCommitInterval(Duration commitInterval) { this.commitInterval = commitInterval; }
  public Duration getShutdownGrace() { return shutdownGrace; }
  public void setShutdownGrace(Duration shutdownGrace) { this.shutdownGrace = shutdownGrace; }
  public Integer getMaxInFlight() { return maxInFlight; }
  public void setMaxInFlight(Integer maxInFlight) { this.maxInFlight = maxInFlight; }
  public Integer getHttpPort() { return httpPort; }
  public void setHttpPort(Integer httpPort) { this.httpPort = httpPort; }
  public String getOffsetReset() { return offsetReset; }
  public void setOffsetReset(String offsetReset) { this.offsetReset = offsetReset; }
  public String getWorkerId() { return workerId; }
  public void setWorkerId(String workerId) { this.workerId = workerId; }
  public Map<String, String> getKafka() { return kafka; }
  public void setKafka(Map<String, String> kafka) { this.kafka = kafka; }
  public Codec getCodec() { return codec; }

  /** Secrets may sit in {@link #getKafka()} (sasl.jaas.config, passwords): only the keys are shown. */
  @Override
  public String toString() {
    return "EbbFunctionProperties[topics=" + topics + ", group=" + group + ", shareGroup=" + shareGroup
        + ", outputTopic=" + outputTopic + ", dlqTopic=" + dlqTopic + ", kafka keys=" + kafka.keySet() + "]";
  }
}
