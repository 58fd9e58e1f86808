package dev.ebb.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Logback's configuration for every Ebb process, found through {@link java.util.ServiceLoader}: events from INFO up
 * on standard error (standard output stays for a command's own output), as text or JSON lines ({@link LogFormat}).
 *
 * <p>A {@code logback.xml} (or {@code logback-test.xml}) on the class path, or
 * {@code -Dlogback.configurationFile=...}, replaces this configuration entirely: this configurator then steps aside
 * for logback's own file configurator.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class EbbLogConfigurator extends ContextAwareBase implements Configurator {

    /** Context property marking a context this class configured (so {@link EbbLogging#use} may redo it). */
    static final String MARK = "ebb.logging";

    /** Level of every logger not named in {@link #QUIET}: INFO unless set (trace, debug, info, warn, error, off). */
    public static final String LEVEL_ENV = "EBB_LOG_LEVEL";
    /** System property; wins over {@value #LEVEL_ENV}. */
    public static final String LEVEL_PROPERTY = "ebb.log.level";

    /** The text layout slf4j-simple had here before: time, thread, level, logger, message. */
    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} [%thread] %level %logger - %msg%n";

    /**
     * Kafka's clients log at INFO what only matters when debugging them (every config dump, every rebalance step);
     * some log expected conditions on every retry. Each of these is reported once, as a change, by Ebb itself.
     */
    static final Map<String, Level> QUIET = Map.of(
            "org.apache.kafka", Level.WARN,
            // "Reconciliation failed" with a stack trace when a worker is scaled away mid-rebalance: expected.
            "org.apache.kafka.clients.consumer.internals.ConsumerMembershipManager", Level.OFF,
            // Every failed connection and refused authentication, at each reconnect: the lag source reports both.
            "org.apache.kafka.clients.NetworkClient", Level.OFF,
            // "Fatal error during metadata update" on every poll while credentials are refused.
            "org.apache.kafka.clients.admin.internals.AdminMetadataManager", Level.OFF,
            // "v1alpha1 is unstable" once per JVM: ScaledWorkload is our own v1alpha1 resource.
            "io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", Level.ERROR);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = EbbLogConfigurator.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget("System.err");
        LogFormat.Resolved resolved = LogFormat.resolve(System.getProperty(LogFormat.PROPERTY), System.getenv());
        configure(context, resolved.format(), console);
        resolved.problem().ifPresent(p -> context.getLogger(EbbLogConfigurator.class).warn(p));
        String level = System.getProperty(LEVEL_PROPERTY, System.getenv(LEVEL_ENV));
        if (level != null && !level.isBlank()) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level.trim(), Level.INFO));
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Replaces whatever {@code context} had with Ebb's levels and one appender writing {@code format}. */
    static void configure(LoggerContext context, LogFormat format, OutputStreamAppender<ILoggingEvent> appender) {
        context.reset();
        context.putProperty(MARK, format.name());
        Encoder<ILoggingEvent> encoder;
        if (format == LogFormat.JSON) {
            encoder = new JsonLineEncoder();
        } else {
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            pattern.setPattern(TEXT_PATTERN);
            encoder = pattern;
        }
        encoder.setContext(context);
        encoder.start();
        appender.setContext(context);
        appender.setName(format == LogFormat.JSON ? "json" : "text");
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        QUIET.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }
}
