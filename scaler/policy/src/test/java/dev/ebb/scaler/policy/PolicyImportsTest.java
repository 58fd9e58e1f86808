package dev.ebb.scaler.policy;

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

/** The policy is pure: its sources import only {@code java.*} (and their own package). */
class PolicyImportsTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/ebb/scaler/policy");
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void policySourcesImportOnlyJava() throws IOException {
        assertThat(SOURCES).isDirectory();
        List<String> offending = new ArrayList<>();
        int files = 0;
        try (Stream<Path> paths = Files.list(SOURCES)) {
            for (Path file : paths.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String name = m.group(2);
                    if (!name.startsWith("java.") && !name.startsWith("dev.ebb.scaler.policy.")) {
                        offending.add(file.getFileName() + ": " + name);
                    }
                }
            }
        }
        assertThat(files).as("policy source files").isGreaterThan(5);
        assertThat(offending).isEmpty();
    }

    @Test
    void policySourcesReadNoClock() throws IOException {
        List<String> offending = new ArrayList<>();
        try (Stream<Path> paths = Files.list(SOURCES)) {
            for (Path file : paths.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                for (String forbidden : List.of("Instant.now(", "System.currentTimeMillis", "System.nanoTime",
                        "Clock.", "new Random", "Math.random", "System.out", "System.err")) {
                    if (text.contains(forbidden)) {
                        offending.add(file.getFileName() + ": " + forbidden);
                    }
                }
            }
        }
        assertThat(offending).isEmpty();
    }
}
