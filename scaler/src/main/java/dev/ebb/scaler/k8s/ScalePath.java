package dev.ebb.scaler.k8s;

import dev.ebb.scaler.loop.ScaleTargetException;
import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.workload.spec.ScaleTargetRefRules;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.regex.Pattern;

/**
 * {@code /api[s]/<group>/<version>/namespaces/<ns>/<plural>/<name>/scale} from segments that each match their
 * rule, so none can add, remove or escape a path segment.
 */
record ScalePath(String group, String version, String namespace, String plural, String name) {
    static final Pattern NAMESPACE = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    static final Pattern PLURAL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    private static final Pattern GROUP = Pattern.compile(ScaleTargetRefRules.DNS1123_SUBDOMAIN);
    private static final Pattern VERSION = Pattern.compile("^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$");
    private static final Pattern NAME = Pattern.compile(ScaleTargetRefRules.DNS1123_SUBDOMAIN);

    ScalePath {
        check("group", group, group.isEmpty() || GROUP.matcher(group).matches());
        check("version", version, VERSION.matcher(version).matches());
        check("namespace", namespace, namespace.length() <= 63 && NAMESPACE.matcher(namespace).matches());
        check("plural", plural, PLURAL.matcher(plural).matches());
        check("name", name, name.length() <= ScaleTargetRefRules.MAX_NAME && NAME.matcher(name).matches());
    }

    static ScalePath of(ScalableResource resource, String namespace, String name) {
        return new ScalePath(resource.group(), resource.version(), namespace, resource.plural(), name);
    }

    String path() {
        return (group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version) + "/namespaces/"
                + namespace + "/" + plural + "/" + name + "/scale";
    }

    URL on(URL master) {
        String base = master.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        try {
            URL url = new URL(base + path());
            if (!url.getPath().endsWith(path()) || url.getRef() != null || url.getQuery() != null) {
                throw new IllegalStateException("Refusing scale URL " + url);
            }
            return url;
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(String field, String value, boolean ok) {
        if (value == null || !ok) {
            throw new ScaleTargetException(new ScaleOutcome.Failed(FailureKind.INVALID, "Invalid value '" + value
                    + "' for the " + field + " segment of a scale request: refused"));
        }
    }
}
