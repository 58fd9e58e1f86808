package dev.ebb.function.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.function.FunctionWorker;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Spring lives in this starter only: the core SDK neither declares a Spring (or Micrometer) dependency nor refers to
 * a Spring class. Applications without Spring keep the SDK's two dependencies.
 */
class CoreSdkStaysFreeOfSpringTest {
  private static final List<String> BANNED = List.of("org.springframework", "io.micrometer");

  @Test
  void sdkPomDeclaresNoSpringDependency() throws IOException {
    Path pom = Path.of(System.getProperty("basedir", ".")).resolve("../pom.xml").normalize();
    String text = Files.readString(pom);
    assertThat(text).as("%s is the SDK's pom", pom).contains("<artifactId>ebb-function-sdk</artifactId>");
    Matcher groups = Pattern.compile("<groupId>\\s*([^<\\s]+)\\s*</groupId>").matcher(text);
    List<String> declared = new ArrayList<>();
    while (groups.find()) {
      declared.add(groups.group(1));
    }
    assertThat(declared).isNotEmpty();
    assertThat(declared).noneMatch(g -> BANNED.stream().anyMatch(g::startsWith));
  }

  @Test
  void sdkClassesReferToNoSpringClass() throws IOException, URISyntaxException {
    Path location = Path.of(FunctionWorker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> offenders = new ArrayList<>();
    int scanned = 0;
    if (Files.isDirectory(location)) {
      try (Stream<Path> files = Files.walk(location)) {
        for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
          scanned++;
          if (refersToBanned(Files.readAllBytes(p))) {
            offenders.add(location.relativize(p).toString());
          }
        }
      }
    } else {
      try (JarFile jar = new JarFile(location.toFile())) {
        for (JarEntry e : jar.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
          scanned++;
          try (InputStream in = jar.getInputStream(e)) {
            if (refersToBanned(in.readAllBytes())) {
              offenders.add(e.getName());
            }
          }
        }
      }
    }
    assertThat(scanned).as("SDK classes scanned in %s", location).isGreaterThan(10);
    assertThat(offenders).isEmpty();
  }

  /** Class names sit in the constant pool as modified UTF-8, which is plain ASCII for these names. */
  private static boolean refersToBanned(byte[] classFile) {
    String text = new String(classFile, StandardCharsets.ISO_8859_1);
    return text.contains("org/springframework/") || text.contains("io/micrometer/");
  }
}
