package dev.ebb.scaler.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.policy.Fallback;
import dev.ebb.scaler.policy.Mode;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.target.TargetRef;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.ClusterKey;
import dev.ebb.scaler.workload.Workload;
import dev.ebb.scaler.workload.WorkloadId;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Kafka client that cannot be created (bad client settings): every tick decides on "unavailable" (the status shows
 * it, the fallback applies after its threshold), the log says it once, and creation is retried only every
 * {@link ScalerLoop#CREATE_RETRY}.
 */
class LagSourceCreationTest {

    private static final ClusterKey BROKEN = ClusterKey.plain("broken:9092");
    private final ScalerLoopTest.MutableClock clock = new ScalerLoopTest.MutableClock(
            Instant.parse("2026-01-01T00:00:00Z"));
    private final Vertx vertx = Vertx.vertx();
    private final RecordingScaleTarget target = new RecordingScaleTarget();
    private final List<DecisionEvent> decisions = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void setsTheWorkloadUnavailableAppliesTheFallbackAndLogsOnce() throws Exception {
        PolicySpec policy = PolicySpec.builder().mode(Mode.THRESHOLD).maxReplicas(8).fallback(Fallback.of(2, 3))
                .build();
        Workload w = new Workload(new WorkloadId("shop", "orders"), new TargetRef("shop", "apps/v1", "Deployment",
                "orders-fn"), BROKEN, Map.of("bootstrap.servers", "broken:9092", "security.protocol", "SASL_PLAINTEXTT"),
                GroupQuery.consumerGroup("orders", List.of("t")), policy, Duration.ofSeconds(1));
        target.put("orders-fn", 1);
        ScalerLoop loop = new ScalerLoop(vertx, () -> List.of(new CatalogEntry.Valid(w)), (key, config) -> {
            attempts.incrementAndGet();
            throw new ConfigException("Invalid value SASL_PLAINTEXTT for configuration security.protocol: "
                    + "String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
        }, target, clock, new DecisionListener() {
            @Override
            public void onDecision(DecisionEvent event) {
                decisions.add(event);
            }
        }, ScalerLoop.Options.defaults());

        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 5; i++) {
                loop.tick().await(10, TimeUnit.SECONDS);
                clock.advance(Duration.ofSeconds(1));
            }
        } finally {
            System.setErr(err);
            loop.close();
        }

        assertThat(decisions).hasSize(5).allSatisfy(d -> assertThat(d.observation())
                .isInstanceOfSatisfying(Observation.Unavailable.class, u -> assertThat(u.reason())
                        .contains("Cannot create a Kafka client for cluster", "broken:9092",
                                "Invalid value SASL_PLAINTEXTT for configuration security.protocol")));
        assertThat(target.replicas("orders-fn")).as("the fallback (3) applies after 2 failures").isEqualTo(3);
        assertThat(attempts.get()).as("created once, retried only after " + ScalerLoop.CREATE_RETRY).isEqualTo(1);
        String text = log.toString(StandardCharsets.UTF_8);
        // One warning for the cause; besides it only the one line of the decision that changed something.
        assertThat(text.lines().filter(l -> l.contains("WARN"))).singleElement().asString()
                .contains("Cannot create a Kafka client for cluster broken:9092");
        assertThat(text.lines().filter(l -> l.contains("Cannot create a Kafka client"))).hasSize(2)
                .anySatisfy(l -> assertThat(l).contains("scaled Deployment/orders-fn from 1 to 3"));
        assertThat(text).doesNotContain("\tat ");

        ScalerLoop again = new ScalerLoop(vertx, () -> List.of(new CatalogEntry.Valid(w)), (key, config) -> {
            attempts.incrementAndGet();
            throw new ConfigException("still bad");
        }, target, clock, DecisionListener.none(), ScalerLoop.Options.defaults());
        again.tick().await(10, TimeUnit.SECONDS);
        clock.advance(ScalerLoop.CREATE_RETRY.plusSeconds(1));
        again.tick().await(10, TimeUnit.SECONDS);
        again.close();
        assertThat(attempts.get()).as("one more attempt per retry period").isEqualTo(3);
    }
}
