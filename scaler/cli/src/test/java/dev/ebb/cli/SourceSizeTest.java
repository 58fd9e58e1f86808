package dev.ebb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: no production class over ~400 lines without a reason written at its top. Every main-code .java file in the
 * repository (any module's src/main/java) longer than {@link #LIMIT} lines must carry a Javadoc paragraph starting with
 * {@code Size:} in its first {@link #HEAD} lines, saying why it stays whole. This module sits at the top of the
 * dependency graph, so its base dir's grandparent is the repository root.
 */
class SourceSizeTest {

    private static final Path ROOT = Path.of("..", "..").toAbsolutePath().normalize();
    static final int LIMIT = 400;
    static final int HEAD = 60;
    private static final Pattern SIZE_NOTE = Pattern.compile("^\\s*\\*?\\s*(<p>\\s*)?Size:\\s*\\S.*");


    @Test
    void everyLongMainClassSaysWhyAtItsTop() {
        assertThat(ROOT.resolve("pom.xml")).as("repository root " + ROOT).exists();
        List<String> offenders = oversizedWithoutReason(ROOT);
        assertThat(offenders)
                .as("main classes over %d lines need a 'Size:' paragraph in their first %d lines (issue 12)", LIMIT, HEAD)
                .isEmpty();
    }

    @Test
    void findsAMainFileOverTheLimitWithoutANoteAndAcceptsOneWithIt(@TempDir Path root) throws IOException {
        Path main = Files.createDirectories(root.resolve("mod/sub/src/main/java/x"));
        Path test = Files.createDirectories(root.resolve("mod/src/test/java/x"));
        Files.write(main.resolve("Big.java"), lines(LIMIT + 1, null));
        Files.write(main.resolve("Noted.java"), lines(LIMIT + 50, " * Size: one table; splitting it scatters the rule."));
        Files.write(main.resolve("NotedTooLate.java"), lines(LIMIT + 50, null));
        Files.writeString(main.resolve("NotedTooLate.java"), "\n * Size: too far down\n", java.nio.file.StandardOpenOption.APPEND);
        Files.write(main.resolve("Small.java"), lines(LIMIT, null));
        Files.write(test.resolve("BigTest.java"), lines(LIMIT + 100, null));

        assertThat(oversizedWithoutReason(root)).containsExactly(
                "mod/sub/src/main/java/x/Big.java (401 lines)",
                "mod/sub/src/main/java/x/NotedTooLate.java (452 lines)");
    }

    /** Main-code files over the limit without a Size: paragraph near their top, as "path (N lines)", sorted. */
    static List<String> oversizedWithoutReason(Path root) {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".java"))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(rel -> rel.contains("src/main/java/") && !rel.contains("/target/") && !rel.startsWith("."))
                    .sorted()
                    .forEach(rel -> {
                        List<String> text = read(root.resolve(rel));
                        if (text.size() > LIMIT && !hasNote(text)) {
                            offenders.add(rel + " (" + text.size() + " lines)");
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return offenders;
    }

    private static boolean hasNote(List<String> text) {
        return text.stream().limit(HEAD).anyMatch(l -> SIZE_NOTE.matcher(l).matches());
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(int count, String noteAtLine3) {
        List<String> out = new ArrayList<>(Collections.nCopies(count, "// line"));
        if (noteAtLine3 != null) {
            out.set(2, noteAtLine3);
        }
        return out;
    }
}
