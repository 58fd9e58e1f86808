package dev.ebb.scaler.keda;

import static dev.ebb.scaler.keda.KedaImporter.CREDENTIAL_PARAMETERS;
import static dev.ebb.scaler.keda.KedaImporter.K8S_NAME;
import static dev.ebb.scaler.keda.KedaImporter.KNOWN_METADATA;
import static dev.ebb.scaler.keda.KedaImporter.LAYOUT_PARAMETERS;
import static dev.ebb.scaler.keda.KedaImporter.SECRET_KEY;
import static dev.ebb.scaler.keda.KedaImporter.map;
import static dev.ebb.scaler.keda.KedaImporter.orEmpty;
import static dev.ebb.scaler.keda.KedaImporter.printable;
import static dev.ebb.scaler.keda.KedaImporter.string;

import dev.ebb.scaler.keda.KedaImporter.Note;
import dev.ebb.scaler.workload.spec.KafkaAuthentication;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.SaslAuthentication;
import dev.ebb.scaler.workload.spec.SecretRefSpec;
import dev.ebb.scaler.workload.spec.TlsAuthentication;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One kafka trigger of a ScaledObject: its metadata read with field names for messages, converted to
 * {@code spec.kafka} (bootstrap servers, group, topics, offsets, authentication) and the threshold settings.
 */
final class KafkaTrigger {
    private final ConversionReport report;
    private final String namespace;
    private final Map<String, Map<String, Object>> auths;
    private final KedaImporter.Overrides overrides;
    final String field;
    final Map<String, Object> trigger;
    final Map<String, Object> metadata;

    KafkaTrigger(ConversionReport report, String field, Map<String, Object> trigger, String namespace,
                 Map<String, Map<String, Object>> auths, KedaImporter.Overrides overrides) {
        this.report = report;
        this.namespace = namespace;
        this.auths = auths;
        this.overrides = overrides;
        this.field = field;
        this.trigger = trigger;
        this.metadata = map(trigger.get("metadata"));
    }

    String meta(String key) {
        String v = string(metadata.get(key));
        return v == null || v.isBlank() ? null : v.trim();
    }

    String required(String key) {
        String v = meta(key);
        if (v == null) {
            report.errors.add("Invalid value null for " + field + ".metadata." + key + ": "
                    + (meta(key + "FromEnv") != null ? key + "FromEnv names a variable of the target's "
                    + "container, which Ebb does not read; set " + key + " in the trigger"
                    : "must be set (KEDA requires it too)"));
        }
        return v;
    }

    Long longValue(String key, long min) {
        return report.longValue(meta(key), field + ".metadata." + key, min);
    }

    Boolean flag(String key) {
        String v = meta(key);
        return v == null ? null : report.bool(v, field + ".metadata." + key);
    }

    boolean sameGroupAs(KafkaTrigger other) {
        Map<String, Object> a = new TreeMap<>(metadata);
        Map<String, Object> b = new TreeMap<>(other.metadata);
        a.remove("topic");
        b.remove("topic");
        return a.equals(b) && Objects.equals(trigger.get("authenticationRef"),
                other.trigger.get("authenticationRef"));
    }

    KafkaSpec convert(List<String> topics, PolicySettings policy) {
        String m = field + ".metadata.";
        KafkaSpec k = new KafkaSpec();
        k.setBootstrapServers(required("bootstrapServers"));
        k.setConsumerGroup(required("consumerGroup"));
        k.setTopics(topics.isEmpty() ? null : topics);
        if (meta("topic") == null && meta("topicFromEnv") != null) {
            report.notCarried.add(new Note(m + "topicFromEnv", "Ebb does not read the target's environment; "
                    + "every topic the group committed offsets for is counted (KEDA's rule without a "
                    + "topic); add spec.kafka.topics to narrow it"));
        }
        String reset = meta("offsetResetPolicy");
        if (reset != null) {
            if (!reset.equals("latest") && !reset.equals("earliest")) {
                report.errors.add("Invalid value '" + printable(reset) + "' for " + m + "offsetResetPolicy: must be "
                        + "latest or earliest");
            }
            k.setOffsetResetPolicy(reset);
        }
        Long threshold = longValue("lagThreshold", 1);
        policy.setLagThreshold(threshold == null ? 10L : threshold);
        if (threshold == null) {
            report.remarks.add(new Note(m + "lagThreshold", "unset: KEDA's default 10 written out"));
        }
        Long activation = longValue("activationLagThreshold", 0);
        if (activation != null) {
            policy.setActivationLagThreshold(activation);
        }
        policy.setAllowIdleConsumers(flag("allowIdleConsumers"));
        policy.setExcludePersistentLag(flag("excludePersistentLag"));
        policy.setScaleToZeroOnInvalidOffset(flag("scaleToZeroOnInvalidOffset"));
        policy.setLimitToPartitionsWithLag(flag("limitToPartitionsWithLag"));
        policy.setEnsureEvenDistributionOfPartitions(flag("ensureEvenDistributionOfPartitions"));
        String limitation = meta("partitionLimitation");
        if (limitation != null) {
            policy.setPartitionLimitation(limitation);
        }
        if (meta("version") != null) {
            report.remarks.add(new Note(m + "version", "not needed: Ebb's Admin client negotiates the protocol "
                    + "version with the broker"));
        }
        if (meta("commitInterval") != null) {
            report.notCarried.add(new Note(m + "commitInterval", "not a KEDA setting Ebb knows how to map; set "
                    + "spec.policy.commitInterval to the workers' commit cadence in drain mode"));
        }
        String metricType = string(trigger.get("metricType"));
        if (metricType != null && !"AverageValue".equals(metricType)) {
            report.notCarried.add(new Note(field + ".metricType", "'" + printable(metricType) + "' not carried: "
                    + "threshold mode is KEDA's AverageValue, ceil(lag / lagThreshold)"));
        }
        if (trigger.get("useCachedMetrics") != null) {
            report.remarks.add(new Note(field + ".useCachedMetrics", "not needed: Ebb polls each group once per "
                    + "pollInterval, whoever asks"));
        }
        metadata.keySet().stream().filter(key -> !KNOWN_METADATA.contains(key)).forEach(key ->
                report.notCarried.add(new Note(m + printable(key), CREDENTIAL_PARAMETERS.contains(key)
                        ? "a credential in trigger metadata is not carried (value not shown); put it in "
                        + "a Secret named by a TriggerAuthentication (spec.kafka.authentication)"
                        : "not known to import-keda; not carried")));
        security(k);
        return k;
    }

    void security(KafkaSpec k) {
        String m = field + ".metadata.";
        Auth auth = auth();
        String sasl = auth.literal("sasl", meta("sasl"), overrides.sasl(), m);
        String tls = auth.literal("tls", meta("tls"), overrides.tls(), m);
        String tokenProvider = meta("saslTokenProvider");
        if (meta("unsafeSsl") != null && report.bool(meta("unsafeSsl"), m + "unsafeSsl")) {
            report.notCarried.add(new Note(m + "unsafeSsl", "Ebb never skips certificate verification; give the "
                    + "broker's CA (ca) instead"));
        }
        if (tokenProvider != null && !"bearer".equals(tokenProvider)) {
            report.notCarried.add(new Note(m + "saslTokenProvider", "'" + printable(tokenProvider) + "' (AWS MSK "
                    + "IAM) not carried: it loads a callback handler class, which Ebb's Kafka client "
                    + "allow-list refuses"));
        }
        if (meta("awsRegion") != null || meta("awsEndpoint") != null) {
            report.notCarried.add(new Note(m + "awsRegion", "AWS MSK IAM settings are not carried"));
        }
        boolean tlsOn = false;
        if (tls != null) {
            if (!tls.equals("enable") && !tls.equals("disable")) {
                report.errors.add("Invalid value '" + printable(tls) + "' for " + m + "tls: must be enable or "
                        + "disable");
            }
            tlsOn = tls.equals("enable");
        }
        String mechanism = null;
        if (sasl != null && !sasl.equals("none")) {
            switch (sasl) {
                case "plaintext" -> mechanism = "PLAIN";
                case "scram_sha256" -> mechanism = "SCRAM-SHA-256";
                case "scram_sha512" -> mechanism = "SCRAM-SHA-512";
                case "oauthbearer", "gssapi" -> report.notCarried.add(new Note(m + "sasl", "'" + sasl + "' not "
                        + "carried: Ebb's Kafka client allow-list refuses " + sasl.toUpperCase(Locale.ROOT)
                        + " (it needs " + ("gssapi".equals(sasl) ? "Kerberos files" : "a token endpoint and "
                        + "a callback handler class") + "); only PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 are "
                        + "accepted, so the result has no SASL settings and will not authenticate"));
                default -> report.errors.add("Invalid value '" + printable(sasl) + "' for " + m + "sasl: must be "
                        + "none, plaintext, scram_sha256, scram_sha512, oauthbearer or gssapi");
            }
        }
        if (!auth.unknownModes.isEmpty()) {
            auth.unknownModes.forEach(p -> report.notCarried.add(new Note(m + p, "read by KEDA from a Secret at "
                    + "run time, and import-keda never reads Secrets: rerun with --" + p + " MODE (the "
                    + "value in that Secret) to carry it")));
        }
        Set<String> secrets = new LinkedHashSet<>();
        KafkaAuthentication authentication = new KafkaAuthentication();
        if (mechanism != null) {
            authentication.setSasl(saslLayout(auth, mechanism, secrets));
        }
        if (tlsOn) {
            authentication.setTls(tlsLayout(auth, secrets));
        }
        if (authentication.getSasl() != null || authentication.getTls() != null) {
            k.setAuthentication(authentication);
        }
        auth.secretRefs.keySet().stream().filter(p -> !LAYOUT_PARAMETERS.contains(p)).forEach(p ->
                report.notCarried.add(new Note(auth.fields.get(p), "parameter '" + printable(p) + "' not carried: "
                        + ("keyPassword".equals(p) ? "spec.kafka.authentication.tls reads an unencrypted "
                        + "PKCS#8 key (keyKey); store the key decrypted (openssl pkcs8 -topk8 -nocrypt)"
                        : CREDENTIAL_PARAMETERS.contains(p) ? "it belongs to a SASL mechanism or cloud "
                        + "identity Ebb's Kafka client allow-list refuses (only PLAIN and SCRAM)"
                        : "not a KEDA kafka parameter import-keda knows"))));
        if (!secrets.isEmpty()) {
            String where = namespace == null ? "the workload's namespace" : "namespace " + namespace;
            if (!Objects.equals(auth.secretNamespace, namespace)) {
                report.secretSteps.add("KEDA reads these Secrets in namespace " + auth.secretNamespace + " (its own; "
                        + "change it if KEDA runs elsewhere), Ebb in " + where + ": copy them there:");
                String to = namespace == null ? "" : " -n " + namespace;
                secrets.forEach(s -> report.secretSteps.add("kubectl -n " + auth.secretNamespace + " get secret " + s
                        + " -o json | jq '{apiVersion, kind, type, data, metadata: {name: .metadata.name}}'"
                        + " | kubectl" + to + " apply -f -"));
            }
            report.secretSteps.add("grant the scaler 'get' on the Secret(s) " + String.join(", ", secrets) + " in "
                    + where + ", by name (deploy/rbac/secret-reader-example.yaml; scaler/KUBERNETES.md, "
                    + "\"RBAC\")");
        }
    }

    /** {@code spec.kafka.authentication.sasl} from the username and password parameters. */
    SaslAuthentication saslLayout(Auth auth, String mechanism, Set<String> secrets) {
        String[] user = auth.secretRefs.get("username");
        String[] pass = auth.secretRefs.get("password");
        if (pass == null) {
            report.notCarried.add(new Note(auth.where + ".secretTargetRef", "SASL " + mechanism + " not carried: "
                    + "no 'password' parameter from a Secret, and spec.kafka.authentication.sasl reads the "
                    + "password from a Secret"));
            return null;
        }
        SaslAuthentication s = new SaslAuthentication();
        s.setMechanism(mechanism);
        s.setSecretRef(new SecretRefSpec(pass[0]));
        s.setPasswordKey(pass[1]);
        secrets.add(pass[0]);
        if (user == null) {
            report.notCarried.add(new Note(auth.where + ".secretTargetRef", "no 'username' parameter from a Secret: "
                    + "set spec.kafka.authentication.sasl.username (the username itself) or usernameKey (its "
                    + "key in Secret " + pass[0] + "); the default key is 'username'"));
        } else if (user[0].equals(pass[0])) {
            s.setUsernameKey(user[1]);
        } else {
            String key = user[1].equals(pass[1]) ? "username" : user[1];
            s.setUsernameKey(key);
            report.notCarried.add(new Note(auth.fields.get("username"), "the username is in Secret " + user[0]
                    + " and the password in Secret " + pass[0] + ": spec.kafka.authentication.sasl reads "
                    + "both from one Secret (or takes the username itself in sasl.username, which "
                    + "import-keda cannot fill in because it never reads Secrets); copy key " + user[1]
                    + " of " + user[0] + " into " + pass[0] + " as key " + key + ", or replace usernameKey "
                    + "with username"));
        }
        return s;
    }

    /** {@code spec.kafka.authentication.tls} from the ca, cert and key parameters. */
    TlsAuthentication tlsLayout(Auth auth, Set<String> secrets) {
        TlsAuthentication t = new TlsAuthentication();
        String[] ca = auth.secretRefs.get("ca");
        if (ca != null) {
            t.setCaSecretRef(new SecretRefSpec(ca[0]));
            t.setCaKey(ca[1]);
            secrets.add(ca[0]);
        } else {
            report.remarks.add(new Note(auth.where + ".secretTargetRef", "no 'ca' parameter: TLS with the JVM's "
                    + "default trust, as KEDA's"));
        }
        String[] cert = auth.secretRefs.get("cert");
        String[] key = auth.secretRefs.get("key");
        if (cert != null && key != null && cert[0].equals(key[0])) {
            t.setClientSecretRef(new SecretRefSpec(cert[0]));
            t.setCertificateKey(cert[1]);
            t.setKeyKey(key[1]);
            secrets.add(cert[0]);
        } else if (cert != null && key != null) {
            report.notCarried.add(new Note(auth.fields.get("cert"), "client certificate not carried: the "
                    + "certificate is in Secret " + cert[0] + " and the key in Secret " + key[0] + ", and "
                    + "spec.kafka.authentication.tls reads both from one Secret (clientSecretRef); put them "
                    + "in one Secret and set clientSecretRef, certificateKey and keyKey"));
        } else if (cert != null || key != null) {
            String has = cert != null ? "cert" : "key";
            report.notCarried.add(new Note(auth.fields.get(has), "client certificate not carried: '" + has
                    + "' without '" + (cert != null ? "key" : "cert") + "'; mutual TLS needs both"));
        }
        return t;
    }

    Auth auth() {
        Map<String, Object> ref = map(trigger.get("authenticationRef"));
        Auth a = new Auth(field + ".authenticationRef");
        String authName = string(ref.get("name"));
        if (authName == null) {
            return a;
        }
        String kind = Optional.ofNullable(string(ref.get("kind"))).orElse("TriggerAuthentication");
        String key = kind + "/" + ("ClusterTriggerAuthentication".equals(kind) ? "" : orEmpty(namespace))
                + "/" + authName;
        Map<String, Object> found = auths.get(key);
        if (found == null) {
            report.notCarried.add(new Note(a.where, kind + " '" + printable(authName) + "' not among the input "
                    + "files: pass it too, so its Secret references are carried"));
            return a;
        }
        a.where = kind + " " + printable(authName) + " spec";
        if ("ClusterTriggerAuthentication".equals(kind)) {
            // KEDA reads a ClusterTriggerAuthentication's Secrets from its own namespace.
            a.secretNamespace = "keda";
            report.remarks.add(new Note(a.where, "KEDA reads a ClusterTriggerAuthentication's Secrets from its "
                    + "own namespace ('keda' assumed); Ebb reads the same Secrets and keys from the "
                    + "workload's namespace: the credential steps copy them there"));
        }
        Map<String, Object> spec = map(found.get("spec"));
        if (spec.get("secretTargetRef") instanceof List<?> refs) {
            for (int i = 0; i < refs.size(); i++) {
                Map<String, Object> r = map(refs.get(i));
                String parameter = string(r.get("parameter"));
                String secret = string(r.get("name"));
                String secretKey = string(r.get("key"));
                String f = a.where + ".secretTargetRef[" + i + "]";
                if (secret == null || !K8S_NAME.matcher(secret).matches()) {
                    report.errors.add("Invalid value '" + printable(secret) + "' for " + f + ".name: must be a "
                            + "Kubernetes name");
                } else if (secretKey == null || !SECRET_KEY.matcher(secretKey).matches()) {
                    report.errors.add("Invalid value '" + printable(secretKey) + "' for " + f + ".key: must be a "
                            + "Secret key (letters, digits, '-', '_' and '.')");
                } else if (parameter != null) {
                    a.secretRefs.put(parameter, new String[] {secret, secretKey});
                    a.fields.put(parameter, f);
                }
            }
        }
        for (String other : List.of("env", "configMapTargetRef", "hashiCorpVault", "azureKeyVault",
                "awsSecretManager", "gcpSecretManager", "podIdentity", "boundServiceAccountToken")) {
            boolean none = "podIdentity".equals(other)
                    && "none".equals(string(map(spec.get(other)).get("provider")));
            if (spec.get(other) != null && !none) {
                report.notCarried.add(new Note(a.where + "." + other, "not carried: Ebb reads Kafka credentials "
                        + "from Secrets in the workload's namespace (spec.kafka.authentication)"));
            }
        }
        return a;
    }

    /** Authentication parameters of one trigger: where each comes from. Values of Secrets are never read. */
    private final class Auth {
        String where;
        String secretNamespace = namespace;
        final Map<String, String[]> secretRefs = new LinkedHashMap<>();
        /** The secretTargetRef entry each parameter came from, for notes. */
        final Map<String, String> fields = new LinkedHashMap<>();
        final List<String> unknownModes = new ArrayList<>();

        Auth(String where) {
            this.where = where;
        }

        /** A mode (sasl, tls): from the trigger's metadata, else from the command line, else unknown. */
        String literal(String parameter, String fromMetadata, String fromOverride, String prefix) {
            if (fromMetadata != null) {
                return fromMetadata;
            }
            if (secretRefs.containsKey(parameter)) {
                if (fromOverride != null) {
                    report.remarks.add(new Note(prefix + parameter, "'" + fromOverride + "' from --" + parameter
                            + " (KEDA reads it from a Secret)"));
                    return fromOverride;
                }
                unknownModes.add(parameter);
            }
            return null;
        }
    }
}
