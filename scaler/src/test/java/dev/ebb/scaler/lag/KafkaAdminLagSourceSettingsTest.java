package dev.ebb.scaler.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

class KafkaAdminLagSourceSettingsTest {

    @Test
    void reportsEveryInvalidSettingAtOnce() {
        assertThatThrownBy(() -> new KafkaAdminLagSource.Settings(Duration.ZERO, Duration.ofSeconds(-1),
                Duration.ofSeconds(30), 1, Duration.ofSeconds(30), Duration.ofMinutes(1), 0, Duration.ofSeconds(-5),
                Duration.ZERO))
                .hasMessageContaining("Invalid value PT0S for apiTimeout: must be > 0")
                .hasMessageContaining("Invalid value PT-1S for requestTimeout: must be > 0")
                .hasMessageContaining("Invalid value 1 for historyCapacity: must be >= 2")
                .hasMessageContaining("Invalid value 0 for listOffsetsChunk: must be >= 1")
                .hasMessageContaining("Invalid value PT-5S for logStartMaxAge: must be >= 0");
    }

    @Test
    void requestTimeoutMayNotExceedTheApiTimeout() {
        assertThatThrownBy(() -> new KafkaAdminLagSource.Settings(Duration.ofSeconds(2), Duration.ofSeconds(3),
                Duration.ofSeconds(30), 60, Duration.ofSeconds(30), Duration.ofMinutes(1), 1000, Duration.ZERO,
                Duration.ZERO))
                .hasMessageContaining("Invalid value PT3S for requestTimeout: must be <= apiTimeout (PT2S)");
    }

    @Test
    void shorterApiTimeoutAlsoShortensTheRequestTimeout() {
        KafkaAdminLagSource.Settings s = KafkaAdminLagSource.Settings.defaults().withApiTimeout(Duration.ofSeconds(2));

        assertThat(s.apiTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void adminIsTunedToNoticeADownBrokerWithinOnePoll() {
        Map<String, Object> config = KafkaAdminLagSource.adminConfig(KafkaAdminLagSource.Settings.defaults());

        assertThat(config).containsEntry(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000)
                .containsEntry(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000)
                .containsEntry(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    }

    @Test
    void withoutCachesReadsEverythingEveryPoll() {
        KafkaAdminLagSource.Settings s = KafkaAdminLagSource.Settings.defaults().withoutCaches();

        assertThat(s.logStartMaxAge()).isZero();
        assertThat(s.describeMaxAge()).isZero();
    }
}
