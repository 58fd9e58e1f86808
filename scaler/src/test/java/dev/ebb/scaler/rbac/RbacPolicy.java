package dev.ebb.scaler.rbac;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * deploy/rbac as Kubernetes' RBAC authorizer reads it, for one subject (the scaler's ServiceAccount): Roles and
 * ClusterRoles, bound by RoleBindings (in their namespace) and ClusterRoleBindings (everywhere). {@link #allows}
 * follows the authorizer's rules: apiGroups, resources (a subresource only as {@code resource/sub}, or a wildcard),
 * verbs, resourceNames (never for list, watch, create or deletecollection), and {@code *} wildcards.
 */
public final class RbacPolicy {

    /** The scaler's ServiceAccount, as deploy/ names it. */
    public static final String SA_NAMESPACE = "ebb-system";
    public static final String SA_NAME = "ebb-scaler";
    /** Where deploy/ lives, seen from the scaler module's working directory. */
    public static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

    /** One rule of one role, and where it takes effect (null namespace: everywhere, through a ClusterRoleBinding). */
    public record Grant(String role, String namespace, List<String> apiGroups, List<String> resources,
                        List<String> verbs, List<String> resourceNames) {

        boolean matches(ApiRequest r) {
            if (!r.isResourceRequest()) {
                return false;
            }
            if (namespace != null && !namespace.equals(r.namespace())) {
                return false;
            }
            if (!(apiGroups.contains("*") || apiGroups.contains(r.group()))) {
                return false;
            }
            if (!(verbs.contains("*") || verbs.contains(r.verb()))) {
                return false;
            }
            boolean resourceOk = resources.stream().anyMatch(res -> res.equals("*") || res.equals(r.fullResource())
                    || (r.subresource() != null && res.equals("*/" + r.subresource())));
            if (!resourceOk) {
                return false;
            }
            if (!resourceNames.isEmpty()) {
                return r.name() != null && resourceNames.contains(r.name())
                        && !Set.of("list", "watch", "create", "deletecollection").contains(r.verb());
            }
            return true;
        }

        /** Every verb × resource this grant names, as {@code verb group/resource}: the unit of "used". */
        List<String> units() {
            List<String> out = new ArrayList<>();
            for (String g : apiGroups) {
                for (String res : resources) {
                    for (String v : verbs) {
                        out.add(unit(v, g, res));
                    }
                }
            }
            return out;
        }
    }

    static String unit(String verb, String group, String resource) {
        return verb + " " + (group.isEmpty() ? "core" : group) + "/" + resource;
    }

    private final List<Grant> grants;

    private RbacPolicy(List<Grant> grants) {
        this.grants = List.copyOf(grants);
    }

    /** The rules deploy/ installs: the files listed in deploy/rbac/kustomization.yaml. */
    public static RbacPolicy shipped() {
        Path dir = DEPLOY.resolve("rbac");
        List<Path> files = new ArrayList<>();
        for (String r : listed(dir.resolve("kustomization.yaml"), "resources")) {
            files.add(dir.resolve(r));
        }
        return fromFiles(files, Map.of());
    }

    /**
     * The per-tenant Role of deploy/rbac/secret-reader-example.yaml, for {@code namespace} and {@code secret}: what an
     * operator adds for a ScaledWorkload that references a Secret.
     */
    public static RbacPolicy secretReader(String namespace, String secret) {
        return fromFiles(List.of(DEPLOY.resolve("rbac/secret-reader-example.yaml")),
                Map.of("namespace: shop", "namespace: " + namespace,
                        "resourceNames: [\"kafka-credentials\"]", "resourceNames: [\"" + secret + "\"]"));
    }

    /** Both sets of rules. */
    public RbacPolicy plus(RbacPolicy other) {
        List<Grant> all = new ArrayList<>(grants);
        all.addAll(other.grants);
        return new RbacPolicy(all);
    }

    /** Rules read from YAML text (for the evaluator's own tests). */
    public static RbacPolicy fromYaml(String yaml) {
        return new RbacPolicy(parse(List.of(yaml)));
    }

    public List<Grant> grants() {
        return grants;
    }

    /** The grant that allows {@code r}, if any. Non-resource requests follow Kubernetes' default discovery roles. */
    public Optional<Grant> allowing(ApiRequest r) {
        if (!r.isResourceRequest()) {
            // system:discovery and system:public-info-viewer, bound to every authenticated user by default.
            String p = r.nonResourcePath();
            boolean discovery = r.verb().equals("get") && (p.equals("/api") || p.startsWith("/api/")
                    || p.equals("/apis") || p.startsWith("/apis/") || p.startsWith("/openapi/")
                    || p.equals("/version") || p.equals("/healthz") || p.equals("/livez") || p.equals("/readyz"));
            return discovery ? Optional.of(new Grant("system:discovery", null, List.of(), List.of(), List.of("get"),
                    List.of())) : Optional.empty();
        }
        return grants.stream().filter(g -> g.matches(r)).findFirst();
    }

    public boolean allows(ApiRequest r) {
        return allowing(r).isPresent();
    }

    /** Every {@code verb group/resource} the rules grant. */
    public Set<String> units() {
        Set<String> out = new LinkedHashSet<>();
        grants.forEach(g -> out.addAll(g.units()));
        return out;
    }

    /** The {@code verb group/resource} unit that {@code r} uses, for coverage. */
    public static String unitOf(ApiRequest r) {
        return unit(r.verb(), r.group(), r.fullResource());
    }

    // --- parsing ---

    private static RbacPolicy fromFiles(List<Path> files, Map<String, String> replacements) {
        List<String> texts = new ArrayList<>();
        for (Path f : files) {
            try {
                String text = Files.readString(f);
                for (Map.Entry<String, String> e : replacements.entrySet()) {
                    if (!text.contains(e.getKey())) {
                        throw new AssertionError(f + " no longer contains '" + e.getKey() + "'");
                    }
                    text = text.replace(e.getKey(), e.getValue());
                }
                texts.add(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new RbacPolicy(parse(texts));
    }

    @SuppressWarnings("unchecked")
    private static List<Grant> parse(List<String> texts) {
        Map<String, List<Map<String, Object>>> clusterRoles = new java.util.HashMap<>();
        Map<String, List<Map<String, Object>>> roles = new java.util.HashMap<>(); // key: ns/name
        List<Map<String, Object>> bindings = new ArrayList<>();
        for (String text : texts) {
            for (String doc : text.split("(?m)^---\\s*$")) {
                if (doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
                    continue;
                }
                Map<String, Object> o = Serialization.unmarshal(doc, Map.class);
                Map<String, Object> md = (Map<String, Object>) o.get("metadata");
                String kind = (String) o.get("kind");
                List<Map<String, Object>> rules = (List<Map<String, Object>>) o.getOrDefault("rules", List.of());
                switch (kind) {
                    case "ClusterRole" -> clusterRoles.put((String) md.get("name"), rules);
                    case "Role" -> roles.put(md.get("namespace") + "/" + md.get("name"), rules);
                    case "RoleBinding", "ClusterRoleBinding" -> bindings.add(o);
                    default -> { } // ServiceAccount and others grant nothing
                }
            }
        }
        List<Grant> grants = new ArrayList<>();
        for (Map<String, Object> b : bindings) {
            List<Map<String, Object>> subjects = (List<Map<String, Object>>) b.getOrDefault("subjects", List.of());
            boolean forScaler = subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.get("kind"))
                    && SA_NAME.equals(s.get("name")) && SA_NAMESPACE.equals(s.get("namespace")));
            if (!forScaler) {
                continue;
            }
            Map<String, Object> md = (Map<String, Object>) b.get("metadata");
            Map<String, Object> ref = (Map<String, Object>) b.get("roleRef");
            boolean clusterWide = "ClusterRoleBinding".equals(b.get("kind"));
            String ns = clusterWide ? null : (String) md.get("namespace");
            String roleName = (String) ref.get("name");
            List<Map<String, Object>> rules = "ClusterRole".equals(ref.get("kind")) ? clusterRoles.get(roleName)
                    : roles.get(ns + "/" + roleName);
            if (rules == null) {
                throw new AssertionError(b.get("kind") + " " + md.get("name") + " refers to a missing "
                        + ref.get("kind") + " " + roleName);
            }
            for (Map<String, Object> rule : rules) {
                grants.add(new Grant(ref.get("kind") + "/" + roleName, ns, strings(rule, "apiGroups"),
                        strings(rule, "resources"), strings(rule, "verbs"), strings(rule, "resourceNames")));
            }
        }
        return grants;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Map<String, Object> map, String key) {
        Object v = map.get(key);
        return v == null ? List.of() : ((List<Object>) v).stream().map(Objects::toString).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> listed(Path kustomization, String key) {
        try {
            Map<String, Object> k = Serialization.unmarshal(Files.readString(kustomization), Map.class);
            return (List<String>) k.getOrDefault(key, List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
