package dev.ebb.scaler.arch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.cli.ScalerCommand;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the scaler image ships (deploy/docker/Dockerfile.scaler copies ebb-scaler and its runtime dependencies): no
 * function SDK, no local mode or web UI, no examples, no test code, no simple logger. The list is the one Maven
 * resolved for this build (maven-dependency-plugin {@code list}, written next to the test classes).
 */
class ScalerArtifactTest {

    private static final Pattern ARTIFACT = Pattern.compile("^\\s+([\\w.-]+):([\\w.-]+):\\w[\\w-]*:(?:[\\w.-]+:)?[\\w.-]+:(\\w+)");

    /**
     * The only Ebb modules the runtime may use (ebb-common: shared settings such as durations; ebb-logging: the one
     * logging backend, logback).
     */
    private static final Set<String> ALLOWED_EBB = Set.of("ebb-policy", "ebb-scaler-model", "ebb-common",
            "ebb-logging");

    private static final List<String> FORBIDDEN = List.of(
            "dev.ebb:ebb-function-sdk", "dev.ebb:ebb-function-testing", "dev.ebb:ebb-examples", "dev.ebb:ebb-local",
            "dev.ebb:ebb-cli", "dev.ebb:ebb-benchmarks", "dev.ebb:ebb-testkit",
            "org.slf4j:slf4j-simple",
            // The CRD generator is optional in ebb-scaler-model: only tests and the benchmarks generate the CRD.
            "io.fabric8:crd-generator-api-v2",
            "io.fabric8:kubernetes-server-mock", "org.apache.kafka:kafka_2.13", "org.junit.jupiter:junit-jupiter-api");

    @Test
    void runtimeDependenciesHaveNoSdkUiExamplesOrSimpleLogger() throws IOException {
        List<String> artifacts = runtimeArtifacts();

        assertThat(artifacts).as("the list Maven resolved is read (sanity)")
                .contains("dev.ebb:ebb-policy", "dev.ebb:ebb-scaler-model", "org.apache.kafka:kafka-clients",
                        "io.fabric8:kubernetes-client", "io.vertx:vertx-core", "dev.ebb:ebb-logging",
                        "ch.qos.logback:logback-classic");
        assertThat(artifacts).as("runtime dependencies of ebb-scaler").doesNotContainAnyElementsOf(FORBIDDEN);
        assertThat(artifacts.stream().filter(a -> a.startsWith("dev.ebb:"))
                .map(a -> a.substring("dev.ebb:".length())))
                .as("Ebb modules in the scaler image").isSubsetOf(ALLOWED_EBB);
    }

    @Test
    void scalerClassesCarryNoWebUiOrLocalMode() throws IOException, URISyntaxException {
        Path classes = Path.of(ScalerCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(classes).as("ebb-scaler's classes, the jar's content").isDirectory();
        assertThat(classes.resolve("dev/ebb/scaler/cli/ScalerCommand.class")).isRegularFile();

        assertThat(classes.resolve("ebb-ui")).doesNotExist();
        assertThat(classes.resolve("dev/ebb/scaler/local")).doesNotExist();
        try (Stream<Path> files = Files.walk(classes)) {
            assertThat(files.map(p -> classes.relativize(p).toString().replace('\\', '/')))
                    .noneMatch(p -> p.startsWith("dev/ebb/function") || p.startsWith("dev/ebb/cli")
                            || p.startsWith("dev/ebb/bench") || p.endsWith(".html") || p.endsWith(".js"));
        }
        assertThat(ScalerCommand.class.getClassLoader().getResource("ebb-ui/index.html"))
                .as("the web UI on the scaler's classpath").isNull();
    }

    private static List<String> runtimeArtifacts() throws IOException {
        try (InputStream in = ScalerArtifactTest.class.getResourceAsStream("/ebb-scaler-runtime-dependencies.txt")) {
            assertThat(in).as("ebb-scaler-runtime-dependencies.txt (written by the build, see scaler/pom.xml)")
                    .isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(ARTIFACT::matcher)
                    .filter(Matcher::find)
                    .map(m -> m.group(1) + ":" + m.group(2))
                    .toList();
        }
    }
}
