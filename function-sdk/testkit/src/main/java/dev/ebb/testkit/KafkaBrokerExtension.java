package dev.ebb.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects one {@link KafkaBroker} shared by the whole test JVM into constructor,
 * lifecycle and test method parameters of type {@code KafkaBroker}.
 *
 * <p>The broker starts on first use and stops when the JVM exits. Tests that kill, restart or reconfigure a broker
 * must start their own with {@link KafkaBroker#start()} instead. Tests sharing the broker use their own topic and
 * group names.
 */
public final class KafkaBrokerExtension implements ParameterResolver {

    private static KafkaBroker shared;

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return sharedBroker();
    }

    /** The JVM-wide broker, started on first call. */
    public static synchronized KafkaBroker sharedBroker() {
        if (shared == null || !shared.isRunning()) {
            if (shared != null) {
                shared.close();
            }
            KafkaBroker broker = KafkaBroker.start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "ebb-testkit-shared-broker-close"));
            shared = broker;
        }
        return shared;
    }
}
