package dev.ebb.scaler.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The {@code kubectl auth can-i} lines of KUBERNETES.md ("Checking an install") give the answers deploy/rbac gives,
 * and name every verb it grants: an operator who runs them checks the real install against the shipped rules.
 */
class RbacDocTest {

    record CanI(String line, ApiRequest request, boolean expected) {
    }

    @Test
    void everyCanILineGivesTheAnswerTheShippedRulesGive() throws Exception {
        List<CanI> lines = canILines();
        assertThat(lines).hasSizeGreaterThan(10);
        RbacPolicy shipped = RbacPolicy.shipped();
        for (CanI c : lines) {
            assertThat(shipped.allows(c.request())).as(c.line()).isEqualTo(c.expected());
        }
        Set<String> documented = new TreeSet<>();
        lines.stream().filter(CanI::expected).forEach(c -> documented.add(RbacPolicy.unitOf(c.request())));
        assertThat(documented).as("KUBERNETES.md checks every granted verb").containsAll(shipped.units());
    }

    static List<CanI> canILines() throws Exception {
        List<CanI> out = new ArrayList<>();
        for (String raw : Files.readAllLines(Path.of("KUBERNETES.md"))) {
            String line = raw.trim();
            if (!line.startsWith("kubectl auth can-i ") || !line.matches(".*#\\s*(yes|no)\\s*$")) {
                continue;
            }
            boolean expected = line.replaceAll(".*#\\s*", "").trim().equals("yes");
            String[] t = line.substring(0, line.indexOf('#')).trim().split("\\s+");
            String verb = t[3];
            String resource = t[4];
            String name = null;
            if (resource.contains("/")) {
                name = resource.substring(resource.indexOf('/') + 1);
                resource = resource.substring(0, resource.indexOf('/'));
            }
            String group = resource.contains(".") ? resource.substring(resource.indexOf('.') + 1) : "";
            resource = resource.contains(".") ? resource.substring(0, resource.indexOf('.')) : resource;
            String namespace = null;
            String subresource = null;
            for (int i = 5; i < t.length; i++) {
                if (t[i].equals("-n")) {
                    namespace = t[++i];
                } else if (t[i].startsWith("--subresource=")) {
                    subresource = t[i].substring("--subresource=".length());
                } else if (!t[i].equals("-A") && !t[i].startsWith("--as=")) {
                    throw new AssertionError("Unexpected argument " + t[i] + " in " + line);
                }
            }
            out.add(new CanI(line, new ApiRequest(verb, group, resource, subresource, namespace, name, null,
                    "can-i", line), expected));
        }
        return out;
    }
}
