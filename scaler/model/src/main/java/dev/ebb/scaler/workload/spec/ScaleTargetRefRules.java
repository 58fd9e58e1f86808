package dev.ebb.scaler.workload.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Kubernetes' own rules for the three fields of {@code spec.scaleTargetRef}, checked where the spec enters (the CRD
 * schema carries the same patterns, the scaler checks again) so that no text a tenant writes can become more than one
 * segment of a request path. A DNS-1123 subdomain has no {@code /}, {@code #}, {@code ?}, {@code %}, space or
 * {@code ..}; a version is {@code v1}, {@code v2beta1}; a kind is an identifier. Only {@code java.*} here: the spec
 * model stays free of the runtime.
 */
public final class ScaleTargetRefRules {

    /** A DNS-1123 subdomain: lowercase alphanumerics and '-', dot-separated labels, each starting and ending alphanumeric. */
    public static final String DNS1123_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    /** {@code [<group>/]<version>}: the group a DNS-1123 subdomain, the version {@code v<N>[alpha|beta<M>]}. */
    public static final String API_VERSION = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
            + "v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$";
    /** A kind: an identifier starting with a letter, as Kubernetes kinds are (CamelCase by convention). */
    public static final String KIND = "^[A-Za-z][A-Za-z0-9]*$";
    /** What a scaleTargetRef without an apiVersion means (the CRD's default too). */
    public static final String DEFAULT_API_VERSION = "apps/v1";
    /** What a scaleTargetRef without a kind means (the CRD's default too). */
    public static final String DEFAULT_KIND = "Deployment";
    public static final int MAX_NAME = 253;
    /** A group of at most 253 characters, a slash, a version of at most 20. */
    public static final int MAX_API_VERSION = 274;
    public static final int MAX_KIND = 63;

    private static final Pattern NAME_RE = Pattern.compile(DNS1123_SUBDOMAIN);
    private static final Pattern API_VERSION_RE = Pattern.compile(API_VERSION);
    private static final Pattern KIND_RE = Pattern.compile(KIND);
    private static final int MAX_GROUP = 253;
    private static final int MAX_ECHO = 80;

    private ScaleTargetRefRules() {
    }

    /**
     * Every problem of the three values at once, each naming field, value and rule:
     * {@code Invalid value 'a/b' for spec.scaleTargetRef.name: must be a DNS-1123 subdomain (...)}.
     *
     * @param prefix the path of the scaleTargetRef in the resource, e.g. {@code spec.scaleTargetRef}
     */
    public static List<String> problems(String prefix, String apiVersion, String kind, String name) {
        List<String> problems = new ArrayList<>();
        if (blank(prefix + ".apiVersion", apiVersion, problems)) {
            // reported
        } else if (apiVersion.length() > MAX_API_VERSION || !API_VERSION_RE.matcher(apiVersion).matches()
                || group(apiVersion).length() > MAX_GROUP) {
            problems.add(invalid(apiVersion, prefix + ".apiVersion", "must be <version> or <group>/<version> with "
                    + "the group a DNS-1123 subdomain of at most " + MAX_GROUP + " characters and the version like "
                    + "v1 or v2beta1"));
        }
        if (blank(prefix + ".kind", kind, problems)) {
            // reported
        } else if (kind.length() > MAX_KIND || !KIND_RE.matcher(kind).matches()) {
            problems.add(invalid(kind, prefix + ".kind", "must be an identifier (a letter, then letters and "
                    + "digits) of at most " + MAX_KIND + " characters"));
        }
        if (blank(prefix + ".name", name, problems)) {
            // reported
        } else if (name.length() > MAX_NAME || !NAME_RE.matcher(name).matches()) {
            problems.add(invalid(name, prefix + ".name", "must be a DNS-1123 subdomain of at most " + MAX_NAME
                    + " characters (lowercase letters, digits, '-' and '.', starting and ending with a letter or "
                    + "digit); the target is always in the ScaledWorkload's own namespace"));
        }
        return problems;
    }

    private static boolean blank(String field, String value, List<String> problems) {
        if (value == null || value.isBlank()) {
            problems.add("Invalid value '" + (value == null ? null : quote(value).replace("'", "")) + "' for " + field
                    + ": must not be blank");
            return true;
        }
        return false;
    }

    /** {@code apiVersion}, or {@link #DEFAULT_API_VERSION} when it is not set. */
    public static String apiVersionOrDefault(String apiVersion) {
        return apiVersion == null ? DEFAULT_API_VERSION : apiVersion;
    }

    /** {@code kind}, or {@link #DEFAULT_KIND} when it is not set. */
    public static String kindOrDefault(String kind) {
        return kind == null ? DEFAULT_KIND : kind;
    }

    /** The API group of an apiVersion, "" for the core group (and for null). */
    public static String group(String apiVersion) {
        if (apiVersion == null) {
            return "";
        }
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** The version of a valid apiVersion. */
    public static String version(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    }

    private static String invalid(String value, String field, String rule) {
        return "Invalid value " + quote(value) + " for " + field + ": " + rule;
    }

    /** Quoted, shortened and with control characters escaped, so a hostile value cannot forge a log line. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("'");
        String shown = value.length() > MAX_ECHO ? value.substring(0, MAX_ECHO) : value;
        for (char c : shown.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('\'');
        if (value.length() > MAX_ECHO) {
            b.append("... (").append(value.length()).append(" characters)");
        }
        return b.toString();
    }
}
