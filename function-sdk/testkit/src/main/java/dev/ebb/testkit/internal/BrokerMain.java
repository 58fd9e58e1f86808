package dev.ebb.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Entry point of the broker child JVM: formats the KRaft storage on first start, then runs {@code kafka.Kafka}.
 *
 * <p>The parent keeps this process's stdin open; when the parent dies for any reason (even SIGKILL) the pipe
 * closes and this process halts, so a broker never outlives the JVM that started it.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: BrokerMain <server.properties> <cluster-id>");
            System.exit(2);
        }
        watchParent(System.in);
        Path properties = Path.of(args[0]);
        Path formattedMarker = properties.resolveSibling("formatted");
        if (!Files.exists(formattedMarker)) {
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            int rc = kafka.tools.StorageTool.execute(new String[] {
                "format", "--standalone", "--ignore-formatted",
                "--cluster-id", args[1], "--config", properties.toString()}, out);
            if (rc != 0) {
                System.err.println("storage format failed with exit code " + rc);
                Runtime.getRuntime().halt(3);
            }
            Files.writeString(formattedMarker, args[1]);
        }
        kafka.Kafka.main(new String[] {properties.toString()});
    }

    private static void watchParent(InputStream parentPipe) {
        Thread watcher = new Thread(() -> {
            try {
                while (parentPipe.read() != -1) {
                    // The parent never writes; any byte is ignored.
                }
            } catch (IOException e) {
                // Treated like end of stream: the parent is gone.
            }
            Runtime.getRuntime().halt(143);
        }, "ebb-testkit-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
