package dev.ebb.function.internal;

import dev.ebb.function.GroupProtocol;
import dev.ebb.function.ProcessingGuarantee;
import dev.ebb.function.WorkerConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kafka client settings derived from a {@link WorkerConfig}; pass-through settings win except where safety needs ours. */
public final class ClientConfigs {
  private static final Logger LOG = LoggerFactory.getLogger(ClientConfigs.class);

  private ClientConfigs() {}

  private static Map<String, Object> base(WorkerConfig c) {
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.servers", c.bootstrapServers());
    m.putAll(c.kafka());
    return m;
  }

  public static Map<String, Object> consumer(WorkerConfig c, GroupProtocol protocol) {
    Map<String, Object> m = base(c);
    m.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, c.workerId());
    m.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, c.offsetReset());
    if (protocol == GroupProtocol.CLASSIC) {
      m.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
      // Cooperative rebalancing: a scaling event moves only the partitions that change owner.
      m.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    } else {
      m.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
    }
    // Safety: the SDK commits only finished offsets, so auto-commit must be off.
    m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    m.put(ConsumerConfig.GROUP_ID_CONFIG, c.groupId());
    if (c.guarantee() == ProcessingGuarantee.EXACTLY_ONCE) {
      m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }
    m.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    m.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return m;
  }

  public static Map<String, Object> shareConsumer(WorkerConfig c) {
    Map<String, Object> m = base(c);
    m.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, c.workerId());
    m.put(ConsumerConfig.GROUP_ID_CONFIG, c.groupId());
    m.put("share.acknowledgement.mode", "explicit");
    m.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    m.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    // Settings that only consumer groups know would fail the share consumer's validation.
    m.remove(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
    m.remove(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);
    m.remove(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
    m.remove(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
    m.remove(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
    return m;
  }

  public static Map<String, Object> producer(WorkerConfig c) {
    Map<String, Object> m = base(c);
    m.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, c.workerId() + "-producer");
    m.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    m.put(ProducerConfig.ACKS_CONFIG, "all");
    m.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    if (c.guarantee() == ProcessingGuarantee.EXACTLY_ONCE) {
      m.putIfAbsent(ProducerConfig.TRANSACTIONAL_ID_CONFIG, c.groupId() + "-" + c.workerId());
      // Short enough that a crashed worker's open transaction stops blocking read_committed readers soon.
      m.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    }
    m.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    m.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    // Consumer-only keys would only produce "unknown config" warnings.
    for (String k : new String[] {"group.protocol", "auto.offset.reset", "isolation.level", "max.poll.records",
        "partition.assignment.strategy", "session.timeout.ms", "heartbeat.interval.ms", "fetch.min.bytes",
        "fetch.max.wait.ms", "max.partition.fetch.bytes", "enable.auto.commit", "group.instance.id",
        "max.poll.interval.ms", "fetch.max.bytes", "share.acknowledgement.mode"}) {
      m.remove(k);
    }
    return m;
  }

  /**
   * KIP-848 when the cluster has finalized {@code group.version >= 1}; classic when it does not or cannot tell.
   */
  public static GroupProtocol resolve(WorkerConfig c) {
    if (c.groupProtocol() != GroupProtocol.AUTO) {
      return c.groupProtocol();
    }
    Map<String, Object> m = base(c);
    m.put(AdminClientConfig.CLIENT_ID_CONFIG, c.workerId() + "-probe");
    m.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    m.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    for (String k : new String[] {"group.protocol", "auto.offset.reset", "isolation.level", "max.poll.records",
        "enable.auto.commit", "transaction.timeout.ms", "linger.ms", "acks"}) {
      m.remove(k);
    }
    try (Admin admin = Admin.create(m)) {
      FinalizedVersionRange v = admin.describeFeatures().featureMetadata().get(5, TimeUnit.SECONDS)
          .finalizedFeatures().get("group.version");
      GroupProtocol p = v != null && v.maxVersionLevel() >= 1 ? GroupProtocol.CONSUMER : GroupProtocol.CLASSIC;
      LOG.info("Group protocol {}: cluster group.version is {}", p.name().toLowerCase(),
          v == null ? "not set" : v.maxVersionLevel());
      return p;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warn("Group protocol classic: could not read the cluster features from {} ({})",
          c.bootstrapServers(), e.toString());
      return GroupProtocol.CLASSIC;
    }
  }

  static Duration pollTimeout() {
    return Duration.ofMillis(100);
  }

  /** The producer's {@code transaction.timeout.ms}: the SDK's default or the user's {@code EBB_KAFKA_*} override. */
  public static long transactionTimeoutMs(WorkerConfig c) {
    Object v = producer(c).get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
    try {
      return v == null ? 60_000L : Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      return 60_000L; // the producer itself refuses it with a clear message
    }
  }

  /** The producer's {@code max.request.size} (the largest record it sends), default or {@code EBB_KAFKA_*} override. */
  public static int maxRequestSize(WorkerConfig c) {
    Object v = producer(c).get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    try {
      return v == null ? 1_048_576 : Integer.parseInt(v.toString().trim());
    } catch (NumberFormatException e) {
      return 1_048_576; // the producer itself refuses it with a clear message
    }
  }
}
