package dev.ebb.scaler.lag;

import static dev.ebb.scaler.lag.LagFixtures.await;
import static dev.ebb.scaler.lag.LagFixtures.produce;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.policy.OffsetResetPolicy;
import dev.ebb.scaler.lag.GroupQuery.Isolation;
import dev.ebb.scaler.lag.GroupReport.Presence;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class ShareGroupLagIT {

    @Test
    void shareGroupBacklogIsWhatItHasNotAcknowledged(KafkaBroker broker) throws Exception {
        String topic = "share-lag";
        String group = "sg-lag";
        broker.createTopic(topic, 1);
        produce(broker.clientConfig(), topic, List.of(20));
        try (Admin admin = Admin.create(broker.clientConfig())) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> config = new HashMap<>(broker.clientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put("share.acknowledgement.mode", "explicit");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        int consumed = 0;
        try (KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            for (int i = 0; i < 100 && consumed < 20; i++) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    consumer.acknowledge(r);
                    consumed++;
                }
                consumer.commitSync();
            }
        }
        assertThat(consumed).isEqualTo(20);
        produce(broker.clientConfig(), topic, List.of(10));

        GroupQuery query = new GroupQuery(group, List.of(), GroupKind.SHARE, Isolation.READ_UNCOMMITTED,
                OffsetResetPolicy.LATEST);
        GroupQuery explicit = new GroupQuery(group, List.of(topic), GroupKind.SHARE, Isolation.READ_UNCOMMITTED,
                OffsetResetPolicy.LATEST);
        GroupQuery missing = new GroupQuery("sg-missing", List.of(), GroupKind.SHARE, Isolation.READ_UNCOMMITTED,
                OffsetResetPolicy.LATEST);
        try (KafkaAdminLagSource source = new KafkaAdminLagSource(broker.clientConfig())) {
            Map<GroupQuery, GroupReport> reports = await(source.report(List.of(query, explicit, missing)));

            Observation.Lag lag = (Observation.Lag) reports.get(query).observation();
            assertThat(lag.partitionCount()).isEqualTo(1);
            assertThat(lag.partitions().get(0).endOffset()).isEqualTo(30);
            assertThat(lag.totalLag()).as("%s", lag.partitions()).isEqualTo(10);
            assertThat(((Observation.Lag) reports.get(explicit).observation()).totalLag()).isEqualTo(10);
            assertThat(reports.get(missing).presence()).isEqualTo(Presence.MISSING);
            assertThat(reports.get(missing).observation()).isInstanceOf(Observation.Unavailable.class);
        }
    }
}
