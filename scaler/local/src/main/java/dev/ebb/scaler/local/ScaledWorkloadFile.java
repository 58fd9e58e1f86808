package dev.ebb.scaler.local;

import dev.ebb.scaler.workload.spec.ScaledWorkload;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code ScaledWorkload} resources from a YAML file (one or more documents separated by {@code ---}) or a JSON
 * file (one object): the same resources {@code kubectl apply} takes, so a workload tried locally moves to the cluster
 * unchanged.
 */
public final class ScaledWorkloadFile {

    /** Workloads read, and problems of documents that could not be read (naming the document). */
    public record Parsed(List<ScaledWorkload> workloads, List<String> problems) {
        public Parsed {
            workloads = List.copyOf(workloads);
            problems = List.copyOf(problems);
        }
    }

    private static final Pattern SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    private ScaledWorkloadFile() {
    }

    public static Parsed read(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    public static Parsed parse(String text, String source) {
        List<ScaledWorkload> workloads = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String[] documents = text.trim().startsWith("{") ? new String[] {text} : SEPARATOR.split(text);
        int index = 0;
        for (String document : documents) {
            if (document.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            index++;
            String where = source + " document " + index;
            Object raw;
            try {
                raw = Serialization.unmarshal(document, Map.class);
            } catch (RuntimeException e) {
                problems.add("Invalid " + where + ": " + firstLine(e));
                continue;
            }
            if (!(raw instanceof Map<?, ?> map)) {
                problems.add("Invalid " + where + ": must be a ScaledWorkload resource (a map)");
                continue;
            }
            // Checked on the raw map: the typed resource reports its own kind and apiVersion whatever the file says.
            if (!"ScaledWorkload".equals(map.get("kind"))) {
                problems.add("Invalid value '" + map.get("kind") + "' for kind in " + where
                        + ": must be ScaledWorkload");
                continue;
            }
            if (!ScaledWorkload.API_VERSION.equals(map.get("apiVersion"))) {
                problems.add("Invalid value '" + map.get("apiVersion") + "' for apiVersion in " + where
                        + ": must be " + ScaledWorkload.API_VERSION);
                continue;
            }
            ScaledWorkload workload;
            try {
                workload = Serialization.unmarshal(document, ScaledWorkload.class);
            } catch (RuntimeException e) {
                problems.add("Invalid " + where + ": " + firstLine(e));
                continue;
            }
            if (workload.getMetadata() == null || workload.getMetadata().getName() == null
                    || workload.getMetadata().getName().isBlank()) {
                problems.add("Invalid value '' for metadata.name in " + where + ": must not be blank");
                continue;
            }
            if (workload.getMetadata().getNamespace() == null) {
                workload.getMetadata().setNamespace("local");
            }
            workloads.add(workload);
        }
        return new Parsed(workloads, problems);
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
