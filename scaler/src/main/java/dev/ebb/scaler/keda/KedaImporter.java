package dev.ebb.scaler.keda;

import dev.ebb.scaler.workload.spec.ScaledWorkload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns KEDA {@code ScaledObject}s with {@code kafka} triggers (and the {@code TriggerAuthentication}s they name) into
 * {@code ScaledWorkload}s in threshold mode with the same parameters. Everything that does not carry over is reported
 * per field with the reason; nothing is dropped silently.
 *
 * <p>Input is hostile: every value is checked against the rule of its kind, names that end up in the printed shell
 * steps must be Kubernetes names, and no value of a field that may hold a credential is ever echoed. Secrets are never
 * read: a TriggerAuthentication's {@code secretTargetRef}s become {@code spec.kafka.authentication}, naming the same
 * Secrets and keys (SASL username/password, TLS CA, client certificate and key).
 */
public final class KedaImporter {

    /** A field of the KEDA input and what happened to it. */
    public record Note(String field, String message) {
        @Override
        public String toString() {
            return field + ": " + message;
        }
    }

    /** One converted ScaledObject. */
    public record Imported(String source, ScaledWorkload workload, List<Note> notCarried, List<Note> remarks,
                           List<String> secretSteps) {
        public Imported {
            notCarried = List.copyOf(notCarried);
            remarks = List.copyOf(remarks);
            secretSteps = List.copyOf(secretSteps);
        }
    }

    /** A ScaledObject that could not be converted, and why. */
    public record Failed(String source, List<String> problems) {
        public Failed {
            problems = List.copyOf(problems);
        }
    }

    /** Everything read from the inputs. {@code problems}: documents that could not be read at all. */
    public record Result(List<Imported> imported, List<Failed> failed, List<String> problems, List<String> skipped) {
    }

    /** Modes KEDA reads from a Secret at run time, given on the command line because Secrets are never read here. */
    public record Overrides(String sasl, String tls) {
        public static Overrides none() {
            return new Overrides(null, null);
        }
    }

    static final String KEDA_API_GROUP = "keda.sh/";
    static final Set<String> KAFKA_TYPES = Set.of("kafka", "apache-kafka");
    /** HPA's default scale-down stabilization; KEDA leaves it in place unless behavior says otherwise. */
    static final Duration HPA_DEFAULT_SCALE_DOWN_WINDOW = Duration.ofMinutes(5);

    /** DNS-1123 subdomain (names of Kubernetes objects). */
    static final Pattern K8S_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*"
            + "[a-z0-9])?)*$");
    /** DNS-1123 label (namespaces). */
    static final Pattern K8S_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    /** Keys of a Secret's data. */
    static final Pattern SECRET_KEY = Pattern.compile("^[-._a-zA-Z0-9]+$");

    /** Trigger metadata import-keda knows, and whether it is carried (the rest is named in a note). */
    static final Set<String> KNOWN_METADATA = Set.of("bootstrapServers", "bootstrapServersFromEnv",
            "consumerGroup", "consumerGroupFromEnv", "topic", "topicFromEnv", "lagThreshold",
            "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers", "excludePersistentLag",
            "scaleToZeroOnInvalidOffset", "limitToPartitionsWithLag", "partitionLimitation",
            "ensureEvenDistributionOfPartitions", "version", "sasl", "tls", "unsafeSsl", "saslTokenProvider",
            "awsRegion", "awsEndpoint", "commitInterval");
    static final Set<String> CREDENTIAL_PARAMETERS = Set.of("username", "password", "ca", "cert", "key",
            "keyPassword", "oauthTokenEndpointUri", "scopes", "oauthExtensions", "keytab", "realm", "kerberosConfig",
            "kerberosServiceName", "kerberosDisableFAST", "awsAccessKeyID", "awsSecretAccessKey", "awsSessionToken",
            "awsRoleArn");
    /** secretTargetRef parameters that map onto spec.kafka.authentication (or are modes). */
    static final Set<String> LAYOUT_PARAMETERS = Set.of("sasl", "tls", "username", "password", "ca", "cert",
            "key");

    private final Overrides overrides;

    public KedaImporter(Overrides overrides) {
        this.overrides = Objects.requireNonNull(overrides);
    }

    /** Converts every ScaledObject in {@code sources} (source name → manifest text). */
    public Result convert(Map<String, String> sources) {
        List<KedaDocuments.Document> documents = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        sources.forEach((name, text) -> {
            KedaDocuments.Read read = KedaDocuments.parse(text, name);
            documents.addAll(read.documents());
            problems.addAll(read.problems());
        });
        Map<String, Map<String, Object>> auths = new LinkedHashMap<>();
        List<KedaDocuments.Document> scaledObjects = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (KedaDocuments.Document d : documents) {
            String kind = string(d.map().get("kind"));
            String apiVersion = string(d.map().get("apiVersion"));
            boolean keda = apiVersion != null && apiVersion.startsWith(KEDA_API_GROUP);
            if (keda && "ScaledObject".equals(kind)) {
                scaledObjects.add(d);
            } else if (keda && ("TriggerAuthentication".equals(kind) || "ClusterTriggerAuthentication".equals(kind))) {
                Map<String, Object> meta = map(d.map().get("metadata"));
                String ns = "ClusterTriggerAuthentication".equals(kind) ? "" : orEmpty(string(meta.get("namespace")));
                auths.put(kind + "/" + ns + "/" + orEmpty(string(meta.get("name"))), d.map());
            } else if (keda && "ScaledJob".equals(kind)) {
                skipped.add(d.where() + ": ScaledJob " + printable(string(map(d.map().get("metadata")).get("name")))
                        + " not converted: Ebb scales long-running workers, not Jobs");
            } else {
                skipped.add(d.where() + ": " + printable(kind) + " ignored (not a KEDA ScaledObject or "
                        + "TriggerAuthentication)");
            }
        }
        List<Imported> imported = new ArrayList<>();
        List<Failed> failed = new ArrayList<>();
        for (KedaDocuments.Document d : scaledObjects) {
            ScaledObjectConversion c = new ScaledObjectConversion(d, auths, overrides);
            c.run();
            ConversionReport r = c.report;
            if (r.errors.isEmpty()) {
                imported.add(new Imported(c.source, c.workload, r.notCarried, r.remarks, r.secretSteps));
            } else {
                failed.add(new Failed(c.source, r.errors));
            }
        }
        return new Result(imported, failed, problems, skipped);
    }


    /** Helpers shared by the conversion classes of this package. */
    static Map<String, Object> map(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        return Map.of();
    }

    static String string(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Text from the input as it may appear in a message or comment: one line, no control characters, bounded. */
    static String printable(String s) {
        return s != null && s.length() > 200 ? oneLine(s.substring(0, 200)) + "..." : oneLine(s);
    }

    /** Control characters replaced by '?', so text stays on one line (a comment line, a log line). */
    static String oneLine(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
