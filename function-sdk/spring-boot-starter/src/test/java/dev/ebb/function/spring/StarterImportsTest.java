package dev.ebb.function.spring;

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
 * The starter builds on the SDK's public API only (never {@code dev.ebb.function.internal}), so the SDK's internals
 * can change without breaking it; and it imports nothing beyond the SDK, Kafka's client, Spring and Micrometer.
 */
class StarterImportsTest {
  private static final List<String> ALLOWED = List.of("java.", "dev.ebb.function.", "org.apache.kafka.",
      "org.springframework.", "io.micrometer.", "org.apache.commons.logging.");

  @Test
  void mainSourcesImportOnlyThePublicSdkApiSpringAndMicrometer() throws IOException {
    Path main = Path.of(System.getProperty("basedir", ".")).resolve("src/main/java");
    Pattern importLine = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);
    List<String> offenders = new ArrayList<>();
    int files = 0;
    try (Stream<Path> sources = Files.walk(main)) {
      for (Path p : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
        files++;
        Matcher m = importLine.matcher(Files.readString(p));
        while (m.find()) {
          String imported = m.group(1);
          if (imported.startsWith("dev.ebb.function.internal.")
              || ALLOWED.stream().noneMatch(imported::startsWith)) {
            offenders.add(main.relativize(p) + ": " + imported);
          }
        }
      }
    }
    assertThat(files).isGreaterThan(5);
    assertThat(offenders).isEmpty();
  }
}
