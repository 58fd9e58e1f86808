package dev.ebb.scaler.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The reconcile step is as pure as the policy it calls: its sources import only {@code java.*}, the policy and their
 * own package, and read no clock. (The policy's own rule is {@code PolicyImportsTest}.)
 */
class ReconcileImportsTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/ebb/scaler/reconcile");
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void reconcileSourcesImportOnlyJavaAndThePolicy() throws IOException {
        assertThat(SOURCES).isDirectory();
        List<String> offending = new ArrayList<>();
        int files = 0;
        for (Path file : sources()) {
            files++;
            Matcher m = IMPORT.matcher(Files.readString(file));
            while (m.find()) {
                String name = m.group(2);
                if (!name.startsWith("java.") && !name.startsWith("dev.ebb.scaler.policy.")
                        && !name.startsWith("dev.ebb.scaler.reconcile.")) {
                    offending.add(file.getFileName() + ": " + name);
                }
            }
        }
        assertThat(files).as("reconcile source files").isGreaterThanOrEqualTo(4);
        assertThat(offending).isEmpty();
    }

    @Test
    void reconcileSourcesReadNoClockAndDoNoIo() throws IOException {
        List<String> offending = new ArrayList<>();
        for (Path file : sources()) {
            String text = Files.readString(file);
            for (String forbidden : List.of("Instant.now(", "System.currentTimeMillis", "System.nanoTime", "Clock.",
                    "new Random", "Math.random", "System.out", "System.err", "java.io.", "java.net.", "java.nio.",
                    "java.util.concurrent.")) {
                if (text.contains(forbidden)) {
                    offending.add(file.getFileName() + ": " + forbidden);
                }
            }
        }
        assertThat(offending).isEmpty();
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> paths = Files.list(SOURCES)) {
            return paths.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }
}
