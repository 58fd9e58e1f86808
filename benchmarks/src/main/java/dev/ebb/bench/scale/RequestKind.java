package dev.ebb.bench.scale;

import java.util.Locale;

/** What an API request the scaler sent is for, from its method and path (how the scale benchmark counts them). */
public enum RequestKind {
    GET_SCALE("GET …/scale (read replicas)"),
    PATCH_SCALE("PATCH …/scale (change replicas)"),
    STATUS("ScaledWorkload status writes"),
    EVENTS("Events"),
    LEASE("Lease (leader election)"),
    WATCH("watch (informers)"),
    LIST("list (informers)"),
    OTHER_GET("other GET"),
    OTHER("other");

    private final String text;

    RequestKind(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public static RequestKind classify(String method, String pathAndQuery) {
        String m = method == null ? "" : method.toUpperCase(Locale.ROOT);
        String p = pathAndQuery == null ? "" : pathAndQuery;
        int q = p.indexOf('?');
        String path = q < 0 ? p : p.substring(0, q);
        String query = q < 0 ? "" : p.substring(q + 1);
        if (query.contains("watch=true") || query.contains("watch=1")) {
            return WATCH;
        }
        if (path.endsWith("/scale")) {
            return m.equals("GET") ? GET_SCALE : m.equals("PATCH") || m.equals("PUT") ? PATCH_SCALE : OTHER;
        }
        if (path.endsWith("/status") && (m.equals("PUT") || m.equals("PATCH"))) {
            return STATUS;
        }
        if (path.contains("/events")) {
            return EVENTS;
        }
        if (path.contains("/leases")) {
            return LEASE;
        }
        if (m.equals("GET")) {
            // A collection (…/namespaces/ns/deployments or /apis/g/v/scaledworkloads) is a list; a named one a get.
            String[] parts = path.split("/");
            boolean named = parts.length >= 2 && isNamedResourcePath(parts);
            return named ? OTHER_GET : LIST;
        }
        return OTHER;
    }

    private static boolean isNamedResourcePath(String[] parts) {
        // /api/v1/namespaces/ns/secrets/name → 7 parts; /apis/g/v/namespaces/ns/res/name → 8 parts;
        // /api/v1/secrets → collection; /api/v1/namespaces/ns → named namespace.
        int start = parts.length > 1 && parts[1].equals("api") ? 3 : 4;
        int rest = parts.length - start;
        if (rest >= 2 && parts[start].equals("namespaces")) {
            return rest == 2 || rest >= 4;
        }
        return rest >= 2;
    }
}
