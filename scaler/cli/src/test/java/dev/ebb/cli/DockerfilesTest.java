package dev.ebb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each image in deploy/docker builds one module and runs a main class that module ships: after a class moves between
 * modules the Dockerfile must follow, or the image would start without its entry point.
 */
class DockerfilesTest {

    private static final Path ROOT = Path.of("..", "..").toAbsolutePath().normalize();
    private static final Pattern MODULE = Pattern.compile("mvn [^\\n]*-pl ([\\w/.-]+) -am install");
    private static final Pattern ENTRYPOINT = Pattern.compile("ENTRYPOINT \\[.*\"([\\w.]+)\"\\]");
    private static final Pattern ARTIFACT = Pattern.compile("</parent>\\s*<artifactId>([\\w.-]+)</artifactId>");

    @ParameterizedTest
    @CsvSource({"Dockerfile.scaler, scaler, ebb-scaler", "Dockerfile.function, function-sdk/examples, ebb-examples"})
    void imageBuildsTheModuleThatShipsItsEntryPoint(String dockerfile, String module, String artifact)
            throws IOException, ReflectiveOperationException {
        String text = Files.readString(ROOT.resolve("deploy/docker").resolve(dockerfile));
        Matcher built = MODULE.matcher(text);
        assertThat(built.find()).as(dockerfile + " builds a module with -pl").isTrue();
        assertThat(built.group(1)).isEqualTo(module);
        assertThat(text).contains("-pl " + module + " dependency:copy-dependencies",
                "cp " + module + "/target/" + artifact + "-*.jar /out/lib/");
        Matcher pom = ARTIFACT.matcher(Files.readString(ROOT.resolve(module).resolve("pom.xml")));
        assertThat(pom.find()).isTrue();
        assertThat(pom.group(1)).as(module + "/pom.xml artifactId").isEqualTo(artifact);

        Matcher entry = ENTRYPOINT.matcher(text);
        assertThat(entry.find()).as(dockerfile + " ENTRYPOINT").isTrue();
        Class<?> main = Class.forName(entry.group(1));
        Method m = main.getMethod("main", String[].class);
        assertThat(Modifier.isStatic(m.getModifiers())).as(entry.group(1) + ".main is static").isTrue();
        String location = main.getProtectionDomain().getCodeSource().getLocation().getPath();
        assertThat(location).as(entry.group(1) + " comes from " + artifact)
                .satisfiesAnyOf(l -> assertThat(l).contains("/" + module + "/target"),
                        l -> assertThat(l).contains("/" + artifact + "/"));
    }
}
