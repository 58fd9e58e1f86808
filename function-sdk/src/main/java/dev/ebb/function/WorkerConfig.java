package dev.ebb.function;

import dev.ebb.common.CommitIntervals;
import dev.ebb.common.Durations;
import dev.ebb.function.internal.KafkaAuth;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.UUID;

/**
 * Everything a worker needs to run. Build it with {@link #builder()}, or read it from environment variables
 * ({@link #fromEnv()}), a properties file ({@link #fromProperties(Path)}) or a map of settings ({@link #from(Map)}).
 *
 * <p>Size: one record of every worker setting, with its defaults, its rules and its reading from environment,
 * properties and maps (the table below); split up, a setting's name, default and rule would live in different files.
 *
 * <p>Settings (environment variable names; in a properties file write {@code EBB_RETRIES=3}, {@code ebb.retries=3}
 * or {@code retries=3}):
 * <table>
 *   <caption>Settings</caption>
 *   <tr><td>EBB_BOOTSTRAP_SERVERS</td><td>required</td><td>Kafka bootstrap servers, {@code host:port,...}</td></tr>
 *   <tr><td>EBB_TOPICS</td><td>required</td><td>input topics, comma-separated</td></tr>
 *   <tr><td>EBB_GROUP</td><td>one of these two</td><td>consumer group id</td></tr>
 *   <tr><td>EBB_SHARE_GROUP</td><td>one of these two</td><td>share group id (queue semantics, KIP-932)</td></tr>
 *   <tr><td>EBB_OUTPUT_TOPIC</td><td>none</td><td>topic for function results</td></tr>
 *   <tr><td>EBB_DLQ_TOPIC</td><td>none</td><td>dead-letter topic; without it failed records are logged and skipped</td></tr>
 *   <tr><td>EBB_RETRIES</td><td>3</td><td>retries after the first attempt</td></tr>
 *   <tr><td>EBB_RETRY_BACKOFF</td><td>100ms</td><td>first retry delay; doubles per retry, with jitter</td></tr>
 *   <tr><td>EBB_RETRY_BACKOFF_MAX</td><td>10s</td><td>cap of the retry delay</td></tr>
 *   <tr><td>EBB_CONCURRENCY</td><td>1</td><td>processing threads</td></tr>
 *   <tr><td>EBB_ORDERING</td><td>partition</td><td>{@code partition} or {@code key}, see {@link Ordering}</td></tr>
 *   <tr><td>EBB_GROUP_PROTOCOL</td><td>auto</td><td>{@code auto}, {@code consumer} (KIP-848) or {@code classic}</td></tr>
 *   <tr><td>EBB_PROCESSING_GUARANTEE</td><td>at_least_once</td><td>or {@code exactly_once}</td></tr>
 *   <tr><td>EBB_COMMIT_INTERVAL</td><td>1s</td><td>offset commit cadence (at-least-once); see
 *       {@link dev.ebb.common.CommitIntervals} for how it relates to the scaler's assumed cadence</td></tr>
 *   <tr><td>EBB_SHUTDOWN_GRACE</td><td>30s</td><td>time to finish in-flight records on SIGTERM or revocation</td></tr>
 *   <tr><td>EBB_MAX_IN_FLIGHT</td><td>10000</td><td>upper bound of records fetched but not finished; the worker also
 *       keeps this below what its threads finish in about 2 s at the measured speed, so drains stay short</td></tr>
 *   <tr><td>EBB_HTTP_PORT</td><td>8080</td><td>{@code /healthz}, {@code /readyz}, {@code /metrics}; 0 = any free port, {@code off} = none</td></tr>
 *   <tr><td>EBB_OFFSET_RESET</td><td>earliest</td><td>where a new group starts: {@code earliest} or {@code latest}</td></tr>
 *   <tr><td>EBB_WORKER_ID</td><td>$HOSTNAME-random</td><td>client id; prefix of the transactional id</td></tr>
 *   <tr><td>EBB_KAFKA_*</td><td></td><td>passed to the Kafka clients: {@code EBB_KAFKA_SECURITY_PROTOCOL=SSL} becomes
 *       {@code security.protocol=SSL}; in a properties file write {@code kafka.security.protocol=SSL}</td></tr>
 *   <tr><td>EBB_SASL_MECHANISM</td><td>none</td><td>{@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512};
 *       with EBB_SASL_USERNAME and EBB_SASL_PASSWORD, or EBB_SASL_USERNAME_FILE / EBB_SASL_PASSWORD_FILE (mounted
 *       Secret keys)</td></tr>
 *   <tr><td>EBB_TLS</td><td>true when a TLS file is set</td><td>TLS to the brokers (SSL, or SASL_SSL with SASL)</td></tr>
 *   <tr><td>EBB_TLS_CA_FILE</td><td>none</td><td>PEM CA certificates to trust (Strimzi {@code ca.crt})</td></tr>
 *   <tr><td>EBB_TLS_CERT_FILE, EBB_TLS_KEY_FILE</td><td>none</td><td>client certificate and PKCS#8 key, PEM (mutual
 *       TLS; Strimzi {@code user.crt}, {@code user.key})</td></tr>
 *   <tr><td>EBB_CONFIG_FILE</td><td></td><td>({@link #fromEnv()} only) a properties file read first; environment
 *       variables override it</td></tr>
 * </table>
 */
public record WorkerConfig(
    String bootstrapServers,
    List<String> topics,
    Optional<String> group,
    Optional<String> shareGroup,
    Optional<String> outputTopic,
    Optional<String> dlqTopic,
    int retries,
    Duration retryBackoff,
    Duration retryBackoffMax,
    int concurrency,
    Ordering ordering,
    GroupProtocol groupProtocol,
    ProcessingGuarantee guarantee,
    Duration commitInterval,
    Duration shutdownGrace,
    int maxInFlight,
    OptionalInt httpPort,
    String offsetReset,
    String workerId,
    Map<String, String> kafka) {

  public static final String BOOTSTRAP_SERVERS = "EBB_BOOTSTRAP_SERVERS";
  public static final String TOPICS = "EBB_TOPICS";
  public static final String GROUP = "EBB_GROUP";
  public static final String SHARE_GROUP = "EBB_SHARE_GROUP";
  public static final String OUTPUT_TOPIC = "EBB_OUTPUT_TOPIC";
  public static final String DLQ_TOPIC = "EBB_DLQ_TOPIC";
  public static final String RETRIES = "EBB_RETRIES";
  public static final String RETRY_BACKOFF = "EBB_RETRY_BACKOFF";
  public static final String RETRY_BACKOFF_MAX = "EBB_RETRY_BACKOFF_MAX";
  public static final String CONCURRENCY = "EBB_CONCURRENCY";
  public static final String ORDERING = "EBB_ORDERING";
  public static final String GROUP_PROTOCOL = "EBB_GROUP_PROTOCOL";
  public static final String PROCESSING_GUARANTEE = "EBB_PROCESSING_GUARANTEE";
  public static final String COMMIT_INTERVAL = "EBB_COMMIT_INTERVAL";
  public static final String SHUTDOWN_GRACE = "EBB_SHUTDOWN_GRACE";
  public static final String MAX_IN_FLIGHT = "EBB_MAX_IN_FLIGHT";
  public static final String HTTP_PORT = "EBB_HTTP_PORT";
  public static final String OFFSET_RESET = "EBB_OFFSET_RESET";
  public static final String WORKER_ID = "EBB_WORKER_ID";
  public static final String CONFIG_FILE = "EBB_CONFIG_FILE";
  public static final String KAFKA_PREFIX = "EBB_KAFKA_";

  public WorkerConfig {
    topics = topics == null ? List.of() : List.copyOf(topics);
    kafka = kafka == null ? Map.of() : Map.copyOf(kafka);
    group = group == null ? Optional.empty() : group;
    shareGroup = shareGroup == null ? Optional.empty() : shareGroup;
    outputTopic = outputTopic == null ? Optional.empty() : outputTopic;
    dlqTopic = dlqTopic == null ? Optional.empty() : dlqTopic;
    httpPort = httpPort == null ? OptionalInt.empty() : httpPort;
    List<String> problems = problems(bootstrapServers, topics, group, shareGroup, outputTopic, dlqTopic, retries,
        retryBackoff, retryBackoffMax, concurrency, ordering, groupProtocol, guarantee, commitInterval, shutdownGrace,
        maxInFlight, httpPort, offsetReset, workerId);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /** The group this worker joins: the consumer group or the share group. */
  public String groupId() {
    return group.orElseGet(shareGroup::orElseThrow);
  }

  public boolean isShareGroup() {
    return shareGroup.isPresent();
  }

  private static List<String> problems(String bootstrapServers, List<String> topics, Optional<String> group,
      Optional<String> shareGroup, Optional<String> outputTopic, Optional<String> dlqTopic, int retries,
      Duration retryBackoff, Duration retryBackoffMax, int concurrency, Ordering ordering, GroupProtocol protocol,
      ProcessingGuarantee guarantee, Duration commitInterval, Duration shutdownGrace, int maxInFlight,
      OptionalInt httpPort, String offsetReset, String workerId) {
    List<String> p = new ArrayList<>();
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      p.add("Missing " + BOOTSTRAP_SERVERS + ": the Kafka bootstrap servers (host:port,...) are required");
    }
    if (topics.isEmpty()) {
      p.add("Missing " + TOPICS + ": at least one input topic is required");
    } else if (topics.stream().anyMatch(t -> t == null || t.isBlank())) {
      p.add("Invalid value " + topics + " for " + TOPICS + ": topic names must not be empty");
    }
    if (group.isEmpty() && shareGroup.isEmpty()) {
      p.add("Missing " + GROUP + ": a consumer group id (or " + SHARE_GROUP + " for a share group) is required");
    }
    if (group.isPresent() && shareGroup.isPresent()) {
      p.add("Invalid value " + shareGroup.get() + " for " + SHARE_GROUP + ": set either " + GROUP + " or "
          + SHARE_GROUP + ", not both");
    }
    group.filter(String::isBlank).ifPresent(g -> p.add("Invalid value '' for " + GROUP + ": must not be empty"));
    if (shareGroup.isPresent() && guarantee == ProcessingGuarantee.EXACTLY_ONCE) {
      p.add("Invalid value exactly_once for " + PROCESSING_GUARANTEE + ": share groups support at_least_once only");
    }
    if (outputTopic.isPresent() && topics.contains(outputTopic.get())) {
      p.add("Invalid value " + outputTopic.get() + " for " + OUTPUT_TOPIC + ": must not be one of the input topics");
    }
    if (dlqTopic.isPresent() && topics.contains(dlqTopic.get())) {
      p.add("Invalid value " + dlqTopic.get() + " for " + DLQ_TOPIC + ": must not be one of the input topics");
    }
    if (retries < 0) {
      p.add("Invalid value " + retries + " for " + RETRIES + ": must be >= 0");
    }
    if (retryBackoff == null || retryBackoff.isNegative()) {
      p.add("Invalid value " + retryBackoff + " for " + RETRY_BACKOFF + ": must be >= 0");
    }
    if (retryBackoffMax == null || (retryBackoff != null && retryBackoffMax.compareTo(retryBackoff) < 0)) {
      p.add("Invalid value " + retryBackoffMax + " for " + RETRY_BACKOFF_MAX + ": must be >= " + RETRY_BACKOFF
          + " (" + retryBackoff + ")");
    }
    if (concurrency < 1 || concurrency > 1024) {
      p.add("Invalid value " + concurrency + " for " + CONCURRENCY + ": must be between 1 and 1024");
    }
    if (ordering == null) {
      p.add("Missing " + ORDERING + ": must be partition or key");
    }
    if (protocol == null) {
      p.add("Missing " + GROUP_PROTOCOL + ": must be auto, consumer or classic");
    }
    if (guarantee == null) {
      p.add("Missing " + PROCESSING_GUARANTEE + ": must be at_least_once or exactly_once");
    }
    if (commitInterval == null || commitInterval.isNegative() || commitInterval.isZero()) {
      p.add("Invalid value " + commitInterval + " for " + COMMIT_INTERVAL + ": must be > 0");
    }
    if (shutdownGrace == null || shutdownGrace.isNegative()) {
      p.add("Invalid value " + shutdownGrace + " for " + SHUTDOWN_GRACE + ": must be >= 0");
    }
    if (maxInFlight < 1) {
      p.add("Invalid value " + maxInFlight + " for " + MAX_IN_FLIGHT + ": must be >= 1");
    }
    if (httpPort.isPresent() && (httpPort.getAsInt() < 0 || httpPort.getAsInt() > 65535)) {
      p.add("Invalid value " + httpPort.getAsInt() + " for " + HTTP_PORT + ": must be 0-65535 or off");
    }
    if (!"earliest".equals(offsetReset) && !"latest".equals(offsetReset)) {
      p.add("Invalid value " + offsetReset + " for " + OFFSET_RESET + ": must be earliest or latest");
    }
    if (workerId == null || workerId.isBlank()) {
      p.add("Missing " + WORKER_ID + ": must not be empty");
    }
    return p;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** As the record's, with secret Kafka settings (passwords, JAAS, private keys) shown as {@code [hidden]}. */
  @Override
  public String toString() {
    return "WorkerConfig[bootstrapServers=" + bootstrapServers + ", topics=" + topics + ", group=" + group
        + ", shareGroup=" + shareGroup + ", outputTopic=" + outputTopic + ", dlqTopic=" + dlqTopic + ", retries="
        + retries + ", retryBackoff=" + retryBackoff + ", retryBackoffMax=" + retryBackoffMax + ", concurrency="
        + concurrency + ", ordering=" + ordering + ", groupProtocol=" + groupProtocol + ", guarantee=" + guarantee
        + ", commitInterval=" + commitInterval + ", shutdownGrace=" + shutdownGrace + ", maxInFlight=" + maxInFlight
        + ", httpPort=" + httpPort + ", offsetReset=" + offsetReset + ", workerId=" + workerId + ", kafka="
        + KafkaAuth.redacted(kafka) + "]";
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.bootstrapServers = bootstrapServers;
    b.topics = topics;
    b.group = group.orElse(null);
    b.shareGroup = shareGroup.orElse(null);
    b.outputTopic = outputTopic.orElse(null);
    b.dlqTopic = dlqTopic.orElse(null);
    b.retries = retries;
    b.retryBackoff = retryBackoff;
    b.retryBackoffMax = retryBackoffMax;
    b.concurrency = concurrency;
    b.ordering = ordering;
    b.groupProtocol = groupProtocol;
    b.guarantee = guarantee;
    b.commitInterval = commitInterval;
    b.shutdownGrace = shutdownGrace;
    b.maxInFlight = maxInFlight;
    b.httpPort = httpPort;
    b.offsetReset = offsetReset;
    b.workerId = workerId;
    b.kafka = new LinkedHashMap<>(kafka);
    return b;
  }

  /** Reads environment variables, after the properties file named by {@code EBB_CONFIG_FILE} if set. */
  public static WorkerConfig fromEnv() {
    Map<String, String> env = System.getenv();
    Map<String, String> settings = new LinkedHashMap<>();
    String file = env.get(CONFIG_FILE);
    if (file != null && !file.isBlank()) {
      settings.putAll(readProperties(Path.of(file), CONFIG_FILE));
    }
    settings.putAll(env);
    return from(settings);
  }

  /** Reads a properties file; keys as in {@link #from(Map)} or without the {@code EBB_} prefix. */
  public static WorkerConfig fromProperties(Path file) {
    return from(readProperties(file, "properties file"));
  }

  private static Map<String, String> readProperties(Path file, String what) {
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      props.load(r);
    } catch (IOException e) {
      throw new ConfigException(List.of("Invalid value " + file + " for " + what + ": cannot read it (" + e + ")"));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : props.stringPropertyNames()) {
      String v = props.getProperty(name);
      if (name.startsWith("kafka.")) {
        out.put("kafka." + name.substring("kafka.".length()), v);
        continue;
      }
      String key = name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
      out.put(key.startsWith("EBB_") ? key : "EBB_" + key, v);
    }
    return out;
  }

  /**
   * Reads settings named like the environment variables ({@code EBB_TOPICS}, ...). Kafka pass-through settings are
   * {@code EBB_KAFKA_SECURITY_PROTOCOL} (lower-cased, {@code _} becomes {@code .}) or {@code kafka.security.protocol}
   * (kept as written). Other keys are ignored. Every problem is reported at once in a {@link ConfigException}.
   */
  public static WorkerConfig from(Map<String, String> settings) {
    List<String> problems = new ArrayList<>();
    Parser in = new Parser(settings, problems);
    Builder b = builder();
    b.bootstrapServers = in.string(BOOTSTRAP_SERVERS);
    String topics = in.string(TOPICS);
    b.topics = topics == null ? List.of()
        : Arrays.stream(topics.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    b.group = in.string(GROUP);
    b.shareGroup = in.string(SHARE_GROUP);
    b.outputTopic = in.string(OUTPUT_TOPIC);
    b.dlqTopic = in.string(DLQ_TOPIC);
    b.retries = in.integer(RETRIES, b.retries);
    b.retryBackoff = in.duration(RETRY_BACKOFF, b.retryBackoff);
    b.retryBackoffMax = in.duration(RETRY_BACKOFF_MAX, b.retryBackoffMax);
    b.concurrency = in.integer(CONCURRENCY, b.concurrency);
    b.ordering = in.choice(ORDERING, Ordering.class, b.ordering);
    b.groupProtocol = in.choice(GROUP_PROTOCOL, GroupProtocol.class, b.groupProtocol);
    b.guarantee = in.choice(PROCESSING_GUARANTEE, ProcessingGuarantee.class, b.guarantee);
    b.commitInterval = in.duration(COMMIT_INTERVAL, b.commitInterval);
    b.shutdownGrace = in.duration(SHUTDOWN_GRACE, b.shutdownGrace);
    b.maxInFlight = in.integer(MAX_IN_FLIGHT, b.maxInFlight);
    String port = in.string(HTTP_PORT);
    if (port != null) {
      if (port.equalsIgnoreCase("off") || port.equalsIgnoreCase("none")) {
        b.httpPort = OptionalInt.empty();
      } else {
        b.httpPort = OptionalInt.of(in.integer(HTTP_PORT, 8080));
      }
    }
    String reset = in.string(OFFSET_RESET);
    if (reset != null) {
      b.offsetReset = reset.toLowerCase(Locale.ROOT);
    }
    String id = in.string(WORKER_ID);
    if (id != null) {
      b.workerId = id;
    }
    settings.forEach((k, v) -> {
      if (k.startsWith(KAFKA_PREFIX) && k.length() > KAFKA_PREFIX.length()) {
        b.kafka.put(k.substring(KAFKA_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
      } else if (k.startsWith("kafka.") && k.length() > "kafka.".length()) {
        b.kafka.put(k.substring("kafka.".length()), v);
      }
    });
    KafkaAuth.settings(settings, problems).forEach((k, v) -> {
      if (b.kafka.containsKey(k)) {
        problems.add("Invalid value " + (KafkaAuth.isSecret(k) ? "[hidden]" : b.kafka.get(k)) + " for "
            + KAFKA_PREFIX + k.toUpperCase(Locale.ROOT).replace('.', '_') + ": " + k + " is also set by the "
            + "EBB_SASL_* / EBB_TLS* settings; set it in one place only");
      } else {
        b.kafka.put(k, v);
      }
    });
    WorkerConfig config = null;
    List<String> all = new ArrayList<>(problems);
    try {
      config = b.build();
    } catch (ConfigException e) {
      all.addAll(e.problems());
    }
    if (!all.isEmpty()) {
      throw new ConfigException(all);
    }
    return config;
  }

  /**
   * Parses a duration in Ebb's one grammar ({@link dev.ebb.common.Durations}, as in the CRD: {@code 250ms},
   * {@code 1.5s}, {@code 1h30m}, {@code 0}); throws {@link IllegalArgumentException} naming the value and the grammar.
   */
  public static Duration parseDuration(String text) {
    return Durations.parse(text);
  }

  private static final class Parser {
    private final Map<String, String> settings;
    private final List<String> problems;

    Parser(Map<String, String> settings, List<String> problems) {
      this.settings = settings;
      this.problems = problems;
    }

    String string(String key) {
      String v = settings.get(key);
      return v == null || v.isBlank() ? null : v.trim();
    }

    int integer(String key, int dflt) {
      String v = string(key);
      if (v == null) {
        return dflt;
      }
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        problems.add("Invalid value " + v + " for " + key + ": must be an integer");
        return dflt;
      }
    }

    Duration duration(String key, Duration dflt) {
      String v = string(key);
      if (v == null) {
        return dflt;
      }
      try {
        return Durations.parse(key, v);
      } catch (IllegalArgumentException e) {
        // The SDK's messages show values unquoted; the rule is the shared grammar's.
        problems.add("Invalid value " + v + " for " + key + ": must be " + Durations.GRAMMAR);
        return dflt;
      }
    }

    <E extends Enum<E>> E choice(String key, Class<E> type, E dflt) {
      String v = string(key);
      if (v == null) {
        return dflt;
      }
      try {
        return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        problems.add("Invalid value " + v + " for " + key + ": must be one of "
            + Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
        return dflt;
      }
    }
  }

  /** Defaults as in the settings table; {@link #build()} validates and reports every problem at once. */
  public static final class Builder {
    private String bootstrapServers;
    private List<String> topics = List.of();
    private String group;
    private String shareGroup;
    private String outputTopic;
    private String dlqTopic;
    private int retries = 3;
    private Duration retryBackoff = Duration.ofMillis(100);
    private Duration retryBackoffMax = Duration.ofSeconds(10);
    private int concurrency = 1;
    private Ordering ordering = Ordering.PARTITION;
    private GroupProtocol groupProtocol = GroupProtocol.AUTO;
    private ProcessingGuarantee guarantee = ProcessingGuarantee.AT_LEAST_ONCE;
    private Duration commitInterval = Durations.parse(CommitIntervals.SDK_DEFAULT);
    private Duration shutdownGrace = Duration.ofSeconds(30);
    private int maxInFlight = 10_000;
    private OptionalInt httpPort = OptionalInt.of(8080);
    private String offsetReset = "earliest";
    private String workerId = defaultWorkerId();
    private Map<String, String> kafka = new LinkedHashMap<>();

    private Builder() {}

    private static String defaultWorkerId() {
      String host = System.getenv("HOSTNAME");
      String base = host == null || host.isBlank() ? "ebb-worker" : host;
      return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public Builder bootstrapServers(String v) { bootstrapServers = v; return this; }
    public Builder topics(List<String> v) { topics = List.copyOf(v); return this; }
    public Builder topics(String... v) { topics = List.of(v); return this; }
    public Builder group(String v) { group = v; shareGroup = null; return this; }
    public Builder shareGroup(String v) { shareGroup = v; group = null; return this; }
    public Builder outputTopic(String v) { outputTopic = v; return this; }
    public Builder dlqTopic(String v) { dlqTopic = v; return this; }
    public Builder retries(int v) { retries = v; return this; }
    public Builder retryBackoff(Duration v) { retryBackoff = v; return this; }
    public Builder retryBackoffMax(Duration v) { retryBackoffMax = v; return this; }
    public Builder concurrency(int v) { concurrency = v; return this; }
    public Builder ordering(Ordering v) { ordering = v; return this; }
    public Builder groupProtocol(GroupProtocol v) { groupProtocol = v; return this; }
    public Builder guarantee(ProcessingGuarantee v) { guarantee = v; return this; }
    public Builder commitInterval(Duration v) { commitInterval = v; return this; }
    public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }
    public Builder maxInFlight(int v) { maxInFlight = v; return this; }
    /** 0 picks a free port. */
    public Builder httpPort(int v) { httpPort = OptionalInt.of(v); return this; }
    /** No HTTP endpoints (e.g. several workers in one JVM). */
    public Builder httpOff() { httpPort = OptionalInt.empty(); return this; }
    public Builder offsetReset(String v) { offsetReset = v; return this; }
    public Builder workerId(String v) { workerId = v; return this; }
    /** A Kafka client setting passed through to the consumer, producer and admin clients. */
    public Builder kafka(String key, String value) { kafka.put(Objects.requireNonNull(key), value); return this; }
    public Builder kafka(Map<String, String> settings) { kafka.putAll(settings); return this; }

    public WorkerConfig build() {
      return new WorkerConfig(bootstrapServers, topics, Optional.ofNullable(group), Optional.ofNullable(shareGroup),
          Optional.ofNullable(outputTopic), Optional.ofNullable(dlqTopic), retries, retryBackoff, retryBackoffMax,
          concurrency, ordering, groupProtocol, guarantee, commitInterval, shutdownGrace, maxInFlight, httpPort,
          offsetReset, workerId, kafka);
    }
  }
}
