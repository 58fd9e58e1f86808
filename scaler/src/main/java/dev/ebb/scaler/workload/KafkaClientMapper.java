package dev.ebb.scaler.workload;

import dev.ebb.scaler.lag.KafkaClientSettings;
import dev.ebb.scaler.workload.spec.KafkaAuthentication;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.SaslAuthentication;
import dev.ebb.scaler.workload.spec.ScaleTargetRefRules;
import dev.ebb.scaler.workload.spec.SecretRefSpec;
import dev.ebb.scaler.workload.spec.TlsAuthentication;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Admin client settings of a workload, from {@code spec.kafka.config}, the raw settings Secret of
 * {@code spec.kafka.securitySecretRef} and the layouts of {@code spec.kafka.authentication}: each checked against
 * {@link KafkaClientSettings}'s allow-list, merged, then checked as a whole. Problems name the field or the Secret
 * key, the value ({@value KafkaClientSettings#HIDDEN} when secret) and the rule.
 */
public final class KafkaClientMapper {

    private static final Pattern SECRET_NAME = Pattern.compile(ScaleTargetRefRules.DNS1123_SUBDOMAIN);

    private KafkaClientMapper() {
    }

    /**
     * The problem with a Secret name the spec gives, or empty when it is one: the name goes into a request path, so
     * it must be a DNS-1123 subdomain (the CRD schema holds the same pattern; this check covers any other way in).
     *
     * @param field the field that names it, e.g. {@code spec.kafka.authentication.sasl.secretRef}
     */
    public static Optional<String> secretNameProblem(String field, String name) {
        if (name != null && name.length() <= ScaleTargetRefRules.MAX_NAME && SECRET_NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return Optional.of("Invalid value " + ScaleTargetRefRules.quote(name) + " for " + field + ".name: must be a "
                + "DNS-1123 subdomain (lowercase letters, digits, '-' and '.'), at most " + ScaleTargetRefRules.MAX_NAME
                + " characters");
    }

    /**
     * Every Secret the spec names, by the field that names it ({@code spec.kafka.authentication.sasl.secretRef}
     * → {@code kafka-user}), in a stable order. The caller reads them and passes their keys to
     * {@link #clientConfig}.
     */
    public static Map<String, String> referencedSecrets(KafkaSpec kafka) {
        Map<String, String> refs = new LinkedHashMap<>();
        if (kafka == null) {
            return refs;
        }
        ref(refs, "spec.kafka.securitySecretRef", kafka.getSecuritySecretRef());
        KafkaAuthentication auth = kafka.getAuthentication();
        if (auth != null && auth.getSasl() != null) {
            ref(refs, "spec.kafka.authentication.sasl.secretRef", auth.getSasl().getSecretRef());
        }
        if (auth != null && auth.getTls() != null) {
            ref(refs, "spec.kafka.authentication.tls.caSecretRef", auth.getTls().getCaSecretRef());
            ref(refs, "spec.kafka.authentication.tls.clientSecretRef", auth.getTls().getClientSecretRef());
        }
        return refs;
    }

    private static void ref(Map<String, String> refs, String field, SecretRefSpec ref) {
        if (ref != null && ref.getName() != null && !ref.getName().isBlank()) {
            refs.put(field, ref.getName());
        }
    }

    /**
     * @param secrets the keys of each Secret named in the spec, by Secret name (a Secret not read is missing)
     * @return the settings to add to the Admin client's configuration (without {@code bootstrap.servers})
     */
    static Map<String, String> clientConfig(KafkaSpec kafka, Map<String, Map<String, String>> secrets,
                                            List<String> problems) {
        int before = problems.size();
        Map<String, String> config = kafka.getConfig() == null ? Map.of() : kafka.getConfig();
        problems.addAll(KafkaClientSettings.problems("spec.kafka.config", config));
        Map<String, String> merged = new LinkedHashMap<>(config);
        String secretName = kafka.getSecuritySecretRef() == null ? null : kafka.getSecuritySecretRef().getName();
        if (secretName != null && !secretName.isBlank()) {
            Map<String, String> secretConfig = secrets.getOrDefault(secretName, Map.of());
            problems.addAll(KafkaClientSettings.problems("Secret " + secretName, secretConfig));
            merged.putAll(secretConfig);
        }
        Map<String, String> auth = authentication(kafka.getAuthentication(), secrets, problems);
        for (String key : auth.keySet()) {
            if (merged.containsKey(key)) {
                problems.add("Invalid value " + KafkaClientSettings.shown(key, merged.get(key)) + " for "
                        + (config.containsKey(key) ? "spec.kafka.config" : "Secret " + secretName) + "[" + key
                        + "]: spec.kafka.authentication sets " + key + "; set it in one place only");
            }
        }
        merged.putAll(auth);
        if (problems.size() == before) {
            problems.addAll(KafkaClientSettings.crossProblems("spec.kafka", merged));
        }
        return merged;
    }

    /** Client settings for the layouts of {@code spec.kafka.authentication} (PEM content, a built JAAS entry). */
    static Map<String, String> authentication(KafkaAuthentication auth, Map<String, Map<String, String>> secrets,
                                              List<String> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        if (auth == null || (auth.getSasl() == null && auth.getTls() == null)) {
            return out;
        }
        boolean tls = auth.getTls() != null;
        SaslAuthentication sasl = auth.getSasl();
        if (sasl != null) {
            String field = "spec.kafka.authentication.sasl";
            out.put("security.protocol", tls ? "SASL_SSL" : "SASL_PLAINTEXT");
            String mechanism = sasl.getMechanism();
            String module = "PLAIN".equals(mechanism) ? KafkaClientSettings.PLAIN_MODULE
                    : "SCRAM-SHA-256".equals(mechanism) || "SCRAM-SHA-512".equals(mechanism)
                    ? KafkaClientSettings.SCRAM_MODULE : null;
            if (module == null) {
                problems.add("Invalid value '" + mechanism + "' for " + field + ".mechanism: must be PLAIN, "
                        + "SCRAM-SHA-256 or SCRAM-SHA-512");
            }
            Map<String, String> secret = secret(field + ".secretRef", sasl.getSecretRef(), secrets, problems);
            String username = sasl.getUsername();
            if (username == null || username.isBlank()) {
                username = value(secret, sasl.getSecretRef(), field + ".usernameKey", sasl.getUsernameKey(),
                        "username", problems);
            }
            String password = value(secret, sasl.getSecretRef(), field + ".passwordKey", sasl.getPasswordKey(),
                    "password", problems);
            if (username != null && (username.contains("\n") || username.contains("\r"))) {
                problems.add("Invalid value " + KafkaClientSettings.HIDDEN + " for " + field + ": the username must be "
                        + "one line");
                username = null;
            }
            if (password != null && (password.contains("\n") || password.contains("\r"))) {
                problems.add("Invalid value " + KafkaClientSettings.HIDDEN + " for " + field + ".passwordKey: the "
                        + "password must be one line");
                password = null;
            }
            if (module != null && username != null && password != null) {
                out.put("sasl.mechanism", mechanism);
                out.put("sasl.jaas.config", module + " required username=\"" + jaasEscape(username)
                        + "\" password=\"" + jaasEscape(password) + "\";");
            }
        } else {
            out.put("security.protocol", "SSL");
        }
        if (tls) {
            TlsAuthentication t = auth.getTls();
            String field = "spec.kafka.authentication.tls";
            if (t.getCaSecretRef() != null) {
                Map<String, String> ca = secret(field + ".caSecretRef", t.getCaSecretRef(), secrets, problems);
                String certs = pem(ca, t.getCaSecretRef(), field + ".caKey", t.getCaKey(), "ca.crt",
                        "ssl.truststore.certificates", problems);
                if (certs != null) {
                    out.put("ssl.truststore.type", "PEM");
                    out.put("ssl.truststore.certificates", certs);
                }
            }
            if (t.getClientSecretRef() != null) {
                Map<String, String> user = secret(field + ".clientSecretRef", t.getClientSecretRef(), secrets,
                        problems);
                String chain = pem(user, t.getClientSecretRef(), field + ".certificateKey", t.getCertificateKey(),
                        "user.crt", "ssl.keystore.certificate.chain", problems);
                String key = pem(user, t.getClientSecretRef(), field + ".keyKey", t.getKeyKey(), "user.key",
                        "ssl.keystore.key", problems);
                if (chain != null && key != null) {
                    out.put("ssl.keystore.type", "PEM");
                    out.put("ssl.keystore.certificate.chain", chain);
                    out.put("ssl.keystore.key", key);
                }
            }
        }
        return out;
    }

    private static Map<String, String> secret(String field, SecretRefSpec ref, Map<String, Map<String, String>> secrets,
                                              List<String> problems) {
        if (ref == null || ref.getName() == null || ref.getName().isBlank()) {
            problems.add("Invalid value null for " + field + ".name: must be set");
            return null;
        }
        Map<String, String> secret = secrets.get(ref.getName());
        if (secret == null) {
            problems.add("Invalid value '" + ref.getName() + "' for " + field + ".name: the Secret was not read "
                    + "(local mode reads no Secrets)");
        }
        return secret;
    }

    private static String value(Map<String, String> secret, SecretRefSpec ref, String keyField, String key,
                                String dflt, List<String> problems) {
        if (secret == null) {
            return null;
        }
        String k = key == null || key.isBlank() ? dflt : key;
        String v = secret.get(k);
        if (v == null || v.isEmpty()) {
            problems.add("Invalid value '" + k + "' for " + keyField + ": Secret " + ref.getName() + " has no key "
                    + k + " (keys: " + secret.keySet().stream().sorted().toList() + ")");
            return null;
        }
        return v;
    }

    /** A PEM value of a Secret key, checked with the rule of the client setting it becomes. */
    private static String pem(Map<String, String> secret, SecretRefSpec ref, String keyField, String key, String dflt,
                              String setting, List<String> problems) {
        String v = value(secret, ref, keyField, key, dflt, problems);
        if (v == null) {
            return null;
        }
        String trimmed = v.trim();
        String rule = KafkaClientSettings.problem(setting, trimmed);
        if (rule != null) {
            String k = key == null || key.isBlank() ? dflt : key;
            problems.add("Invalid value " + KafkaClientSettings.shown(setting, trimmed) + " for Secret "
                    + ref.getName() + "[" + k + "] (" + keyField + "): " + rule);
            return null;
        }
        return trimmed;
    }

    /** Inside a JAAS double-quoted string Kafka's tokenizer treats backslash as an escape. */
    static String jaasEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
