package dev.ebb.scaler.k8s;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Just enough of kustomize to check deploy/ without it: follows {@code resources} (files and folders),
 * {@code components} and {@code configMapGenerator} files, and collects the objects a build would emit (generated
 * ConfigMaps as their name only). Refuses what kustomize refuses: a missing file, a file outside the kustomization's
 * folder, a folder without a kustomization.yaml, a base that contains its overlay.
 */
final class Kustomizations {

    /** One object a build would emit, and the file it came from. */
    record Emitted(String apiVersion, String kind, String name, Path source) {
        String group() {
            int slash = apiVersion.indexOf('/');
            return slash < 0 ? "" : apiVersion.substring(0, slash);
        }
    }

    private Kustomizations() {
    }

    static Map<String, Object> read(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(dir + " is referenced as a kustomization but has no kustomization.yaml");
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = Serialization.unmarshal(Files.readString(file), Map.class);
            return map;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> list(Map<String, Object> kustomization, String key) {
        Object value = kustomization.get(key);
        return value == null ? List.of() : (List<String>) value;
    }

    /** Every object that {@code kubectl kustomize dir} would emit. */
    static List<Emitted> build(Path dir) {
        List<Emitted> out = new ArrayList<>();
        build(dir.toAbsolutePath().normalize(), new ArrayList<>(), out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void build(Path dir, List<Path> visiting, List<Emitted> out) {
        for (Path v : visiting) {
            if (v.startsWith(dir)) {
                throw new AssertionError("kustomize refuses " + dir + " (a cycle): it contains " + v);
            }
        }
        visiting.add(dir);
        Map<String, Object> k = read(dir);
        for (String r : list(k, "resources")) {
            Path p = dir.resolve(r).normalize();
            if (Files.isDirectory(p)) {
                build(p, visiting, out);
            } else {
                requireInside(dir, p, r);
                emitFile(p, out);
            }
        }
        for (String c : list(k, "components")) {
            Path p = dir.resolve(c).normalize();
            Map<String, Object> component = read(p);
            if (!"Component".equals(component.get("kind"))) {
                throw new AssertionError(p + " is listed as a component but is a " + component.get("kind"));
            }
            build(p, visiting, out);
        }
        for (Object g : (List<Object>) k.getOrDefault("configMapGenerator", List.of())) {
            Map<String, Object> gen = (Map<String, Object>) g;
            for (String f : (List<String>) gen.getOrDefault("files", List.of())) {
                String path = f.contains("=") ? f.substring(f.indexOf('=') + 1) : f;
                requireInside(dir, dir.resolve(path).normalize(), f);
            }
            out.add(new Emitted("v1", "ConfigMap", (String) gen.get("name"), dir.resolve("kustomization.yaml")));
        }
        visiting.remove(dir);
    }

    private static void requireInside(Path dir, Path file, String ref) {
        if (!file.startsWith(dir)) {
            throw new AssertionError("kustomize refuses " + ref + " in " + dir + ": files must lie below it");
        }
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(ref + " in " + dir + " does not exist");
        }
    }

    @SuppressWarnings("unchecked")
    private static void emitFile(Path file, List<Emitted> out) {
        try {
            for (String doc : Files.readString(file).split("(?m)^---\\s*$")) {
                if (doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
                    continue;
                }
                Map<String, Object> map = Serialization.unmarshal(doc, Map.class);
                Map<String, Object> metadata = (Map<String, Object>) map.get("metadata");
                out.add(new Emitted((String) map.get("apiVersion"), (String) map.get("kind"),
                        metadata == null ? null : (String) metadata.get("name"), file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
