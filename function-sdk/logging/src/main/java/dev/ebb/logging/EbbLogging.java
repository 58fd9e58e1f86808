package dev.ebb.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * What a command changes at run time: the format ({@code --log-format}) and loggers it reports on itself. Both only
 * act on a logback context that {@link EbbLogConfigurator} configured: a {@code logback.xml} an operator supplied is
 * left as it is.
 */
public final class EbbLogging {

    private EbbLogging() {
    }

    /** Logs in {@code format} from now on (and in any logback context configured later in this JVM). */
    public static void use(LogFormat format) {
        System.setProperty(LogFormat.PROPERTY, format.name().toLowerCase(java.util.Locale.ROOT));
        ours().ifPresent(context -> {
            if (!format.name().equals(context.getProperty(EbbLogConfigurator.MARK))) {
                ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
                console.setTarget("System.err");
                EbbLogConfigurator.configure(context, format, console);
            }
        });
    }

    /** Turns off the logger {@code name} and its children: for a command that reports their failures itself. */
    public static void silence(String name) {
        ours().ifPresent(context -> context.getLogger(name).setLevel(Level.OFF));
    }

    /** Logs only WARN and up from now on, Kafka's quiet loggers unchanged: for commands that draw a live view. */
    public static void onlyWarnings() {
        ours().ifPresent(context -> {
            if (System.getProperty(EbbLogConfigurator.LEVEL_PROPERTY) == null
                    && System.getenv(EbbLogConfigurator.LEVEL_ENV) == null) {
                context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
            }
        });
    }

    private static java.util.Optional<LoggerContext> ours() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        return factory instanceof LoggerContext context && context.getProperty(EbbLogConfigurator.MARK) != null
                ? java.util.Optional.of(context) : java.util.Optional.empty();
    }
}
