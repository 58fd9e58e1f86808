package dev.ebb.scaler.keda;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Splits manifests as {@code kubectl} takes them (YAML documents separated by {@code ---}, a JSON object, or a
 * {@code kind: List} with {@code items}) into raw maps. Kinds are not interpreted here.
 */
final class KedaDocuments {

    /** One document, and where it came from ({@code file document N}). */
    record Document(String where, Map<String, Object> map) {
    }

    record Read(List<Document> documents, List<String> problems) {
    }

    private static final Pattern SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    private KedaDocuments() {
    }

    @SuppressWarnings("unchecked")
    static Read parse(String text, String source) {
        List<Document> documents = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String[] parts = text.trim().startsWith("{") ? new String[] {text} : SEPARATOR.split(text);
        int index = 0;
        for (String part : parts) {
            if (part.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            index++;
            String where = source + " document " + index;
            Object raw;
            try {
                raw = Serialization.unmarshal(part, Map.class);
            } catch (RuntimeException e) {
                problems.add("Invalid " + where + ": not YAML or JSON (" + firstLine(e) + ")");
                continue;
            }
            if (!(raw instanceof Map<?, ?> map)) {
                problems.add("Invalid " + where + ": must be a Kubernetes resource (a map)");
                continue;
            }
            if ("List".equals(map.get("kind")) && map.get("items") instanceof List<?> items) {
                for (int i = 0; i < items.size(); i++) {
                    if (items.get(i) instanceof Map<?, ?> item) {
                        documents.add(new Document(where + " item " + i, (Map<String, Object>) item));
                    }
                }
            } else {
                documents.add(new Document(where, (Map<String, Object>) map));
            }
        }
        return new Read(documents, problems);
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return KedaImporter.printable(newline < 0 ? message : message.substring(0, newline));
    }
}
