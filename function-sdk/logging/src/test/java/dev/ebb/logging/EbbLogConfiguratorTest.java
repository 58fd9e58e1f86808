package dev.ebb.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class EbbLogConfiguratorTest {

    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();

    private LoggerContext context(LogFormat format) {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(mdc);
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setOutputStream(written);
        EbbLogConfigurator.configure(context, format, appender);
        return context;
    }

    private List<String> lines() {
        return written.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void jsonModeWritesOneParseableObjectPerLineWithLevelLoggerMessageTimestampMdcAndKeyValues() throws Exception {
        Logger log = context(LogFormat.JSON).getLogger("dev.ebb.scaler.loop.ScalerLoop");
        Instant before = Instant.now();
        mdc.put("workload", "shop/orders");
        log.atInfo().addKeyValue("replicas", 3).addKeyValue("message", "clash").log("scaled {} to {}", "orders", 3);
        mdc.clear();
        log.warn("two\nlines \"quoted\"", new IllegalStateException("boom"));

        List<String> lines = lines();
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            events.add(json.readTree(line));
        }
        JsonNode first = events.get(0);
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("logger").asText()).isEqualTo("dev.ebb.scaler.loop.ScalerLoop");
        assertThat(first.get("message").asText()).isEqualTo("scaled orders to 3");
        assertThat(Instant.parse(first.get("timestamp").asText())).isAfterOrEqualTo(before.minusMillis(1));
        assertThat(first.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(first.get("workload").asText()).isEqualTo("shop/orders");
        assertThat(first.get("replicas").asText()).isEqualTo("3");
        assertThat(first.get("kv.message").asText()).isEqualTo("clash");
        JsonNode second = events.get(1);
        assertThat(second.get("level").asText()).isEqualTo("WARN");
        assertThat(second.get("message").asText()).isEqualTo("two\nlines \"quoted\"");
        assertThat(second.has("workload")).isFalse();
        assertThat(second.get("exception").asText()).contains("IllegalStateException: boom", "at dev.ebb.logging");
    }

    @Test
    void textModeWritesTheLineSlf4jSimpleWrote() {
        context(LogFormat.TEXT).getLogger("dev.ebb.scaler.loop.ScalerLoop").info("scaled {} to {}", "orders", 3);

        assertThat(lines()).singleElement().asString().matches(
                "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[" + Thread.currentThread().getName()
                        + "] INFO dev\\.ebb\\.scaler\\.loop\\.ScalerLoop - scaled orders to 3");
    }

    @Test
    void kafkaClientsLogFromWarnUpAndTheirRetryNoiseNotAtAll() {
        LoggerContext context = context(LogFormat.TEXT);
        context.getLogger("org.apache.kafka.clients.consumer.ConsumerConfig").info("ConsumerConfig values: ...");
        context.getLogger("org.apache.kafka.clients.NetworkClient").warn("Connection to node -1 could not be made");
        context.getLogger("org.apache.kafka.clients.consumer.KafkaConsumer").warn("a real warning");
        context.getLogger("dev.ebb.function.internal.WorkerRuntime").info("worker started");

        assertThat(String.join("\n", lines())).contains("a real warning", "worker started")
                .doesNotContain("ConsumerConfig values", "could not be made");
    }

    @Test
    void propertyWinsOverEnvironmentAndABadValueFallsBackToTextNamingIt() {
        assertThat(LogFormat.resolve(null, Map.of()).format()).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.resolve(null, Map.of("EBB_LOG_FORMAT", "JSON")).format()).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.resolve("text", Map.of("EBB_LOG_FORMAT", "json")).format()).isEqualTo(LogFormat.TEXT);

        LogFormat.Resolved bad = LogFormat.resolve(null, Map.of("EBB_LOG_FORMAT", "xml"));
        assertThat(bad.format()).isEqualTo(LogFormat.TEXT);
        assertThat(bad.problem()).hasValueSatisfying(p -> assertThat(p)
                .contains("Invalid value 'xml' for EBB_LOG_FORMAT: must be text or json"));
    }

    @Test
    void logbackFindsThisConfiguratorThroughTheServiceLoader() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

        assertThat(context.getProperty(EbbLogConfigurator.MARK)).isEqualTo("TEXT");
        assertThat(context.getLogger("org.apache.kafka").getEffectiveLevel().toString()).isEqualTo("WARN");
    }

    @Test
    void logFormatSwitchReconfiguresTheRunningContextAndSilenceTurnsALoggerOff() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        try {
            EbbLogging.use(LogFormat.JSON);

            assertThat(context.getProperty(EbbLogConfigurator.MARK)).isEqualTo("JSON");
            assertThat(System.getProperty(LogFormat.PROPERTY)).isEqualTo("json");
            var appender = (ch.qos.logback.core.OutputStreamAppender<ILoggingEvent>) context
                    .getLogger(Logger.ROOT_LOGGER_NAME).getAppender("json");
            assertThat(appender.getEncoder()).isInstanceOf(JsonLineEncoder.class);
            assertThat(context.getLogger("org.apache.kafka").getEffectiveLevel().toString()).isEqualTo("WARN");

            EbbLogging.silence("org.apache.kafka");
            assertThat(context.getLogger("org.apache.kafka.clients.admin.KafkaAdminClient").isWarnEnabled())
                    .isFalse();
        } finally {
            EbbLogging.use(LogFormat.TEXT);
            System.clearProperty(LogFormat.PROPERTY);
        }
        assertThat(context.getProperty(EbbLogConfigurator.MARK)).isEqualTo("TEXT");
        assertThat(context.getLogger("org.apache.kafka").getEffectiveLevel().toString()).isEqualTo("WARN");
    }
}
