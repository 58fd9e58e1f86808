package dev.ebb.scaler.rbac;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP request to the API server as Kubernetes' authorizer sees it (its {@code RequestInfo}): verb, API group,
 * resource, subresource, namespace and name. Paths outside {@code /api} and {@code /apis/<group>/<version>} (version,
 * discovery, OpenAPI) are non-resource requests.
 */
public record ApiRequest(String verb, String group, String resource, String subresource, String namespace,
                         String name, String nonResourcePath, String method, String path) {

    /** Maps {@code method path?query} the way the API server's request-info resolver does. */
    public static ApiRequest of(String method, String pathAndQuery) {
        URI uri = URI.create(pathAndQuery);
        String path = uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        String m = method.toUpperCase(Locale.ROOT);
        int i;
        String group;
        if (parts.size() >= 2 && parts.get(0).equals("api")) {
            group = "";
            i = 2;
        } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            i = 3;
        } else {
            return nonResource(m, path);
        }
        List<String> rest = parts.subList(i, parts.size());
        if (rest.isEmpty()) {
            return nonResource(m, path); // discovery of one group version
        }
        String namespace = null;
        if (rest.get(0).equals("namespaces") && rest.size() >= 3) {
            namespace = rest.get(1);
            rest = rest.subList(2, rest.size());
        }
        String resource = rest.get(0);
        String name = rest.size() > 1 ? rest.get(1) : null;
        String subresource = rest.size() > 2 ? rest.get(2) : null;
        if (resource.equals("namespaces") && name != null && namespace == null) {
            namespace = name; // a Namespace object lives "in" itself for the authorizer
        }
        boolean watch = Arrays.stream(query.split("&")).anyMatch(q -> q.equals("watch=true") || q.equals("watch=1"));
        String verb = switch (m) {
            case "GET", "HEAD" -> watch ? "watch" : name == null ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            default -> m.toLowerCase(Locale.ROOT);
        };
        return new ApiRequest(verb, group, resource, subresource, namespace, name, null, m, pathAndQuery);
    }

    private static ApiRequest nonResource(String method, String path) {
        String verb = method.equals("GET") || method.equals("HEAD") ? "get" : method.toLowerCase(Locale.ROOT);
        return new ApiRequest(verb, null, null, null, null, null, path, method, path);
    }

    public boolean isResourceRequest() {
        return nonResourcePath == null;
    }

    /** {@code deployments/scale} for a subresource, else the resource. */
    public String fullResource() {
        return subresource == null ? resource : resource + "/" + subresource;
    }

    @Override
    public String toString() {
        if (!isResourceRequest()) {
            return verb + " " + nonResourcePath;
        }
        return verb + " " + (group.isEmpty() ? "core" : group) + " " + fullResource()
                + (namespace == null ? " (cluster)" : " in " + namespace) + (name == null ? "" : " name=" + name)
                + "   [" + method + " " + path + "]";
    }
}
