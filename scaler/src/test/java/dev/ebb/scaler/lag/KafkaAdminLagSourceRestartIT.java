package dev.ebb.scaler.lag;

import static dev.ebb.scaler.lag.LagFixtures.await;
import static dev.ebb.scaler.lag.LagFixtures.commit;
import static dev.ebb.scaler.lag.LagFixtures.produce;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.policy.Observation;
import dev.ebb.testkit.KafkaBroker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaAdminLagSourceRestartIT {

    @Test
    void stoppedBrokerIsUnavailableWithinOnePollAndARestartedOneHasLagAgain() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start()) {
            broker.createTopic("restart", 2);
            produce(broker.clientConfig(), "restart", List.of(10, 10));
            try (Admin admin = Admin.create(broker.clientConfig())) {
                commit(admin, "g-restart", Map.of(new TopicPartition("restart", 0), 4L,
                        new TopicPartition("restart", 1), 10L));
            }
            KafkaAdminLagSource.Settings settings = KafkaAdminLagSource.Settings.defaults()
                    .withApiTimeout(Duration.ofSeconds(3));
            GroupQuery good = GroupQuery.consumerGroup("g-restart", List.of());
            GroupQuery other = GroupQuery.consumerGroup("g-restart-2", List.of("restart"));
            try (KafkaAdminLagSource source = new KafkaAdminLagSource(broker.clientConfig(), settings,
                    Clock.systemUTC())) {
                assertThat(await(source.observe(List.of(good))).get(good)).isInstanceOf(Observation.Lag.class);

                broker.kill();
                Map<GroupQuery, Observation> down = await(source.observe(List.of(good, other)));

                for (GroupQuery q : List.of(good, other)) {
                    assertThat(down.get(q)).isInstanceOf(Observation.Unavailable.class);
                    Observation.Unavailable u = (Observation.Unavailable) down.get(q);
                    assertThat(u.retriable()).isTrue();
                    assertThat(u.reason()).contains(q.groupId(), broker.bootstrapServers());
                }

                broker.restart();
                Observation again = null;
                // The Admin client reconnects on its own; a couple of polls may still see the old connection fail.
                for (int poll = 0; poll < 10 && !(again instanceof Observation.Lag); poll++) {
                    again = await(source.observe(List.of(good))).get(good);
                }
                assertThat(again).isInstanceOf(Observation.Lag.class);
                assertThat(((Observation.Lag) again).totalLag()).isEqualTo(6);
            } finally {
                // Nothing to keep: skip the graceful shutdown that close() would wait for.
                broker.kill();
            }
        }
    }
}
