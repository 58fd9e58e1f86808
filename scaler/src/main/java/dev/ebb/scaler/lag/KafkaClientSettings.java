package dev.ebb.scaler.lag;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The Kafka client settings a tenant may give the scaler's Admin client ({@code spec.kafka.config} and the Secret of
 * {@code spec.kafka.securitySecretRef}), and how their values are printed.
 *
 * <p>Size: one allow-list table of every Kafka client setting a tenant may set, with the rule of each kind beside it;
 * splitting it would scatter the rule a reviewer checks in one place.
 *
 * <p>The Admin client runs inside the scaler's JVM, next to every other tenant's credentials. A Kafka client setting
 * can name a class to load ({@code *.class}, {@code metric.reporters}, {@code config.providers}), a local file to read
 * ({@code ssl.truststore.location}, a JAAS {@code keyTab}) or a timeout the scaler relies on to see a down broker
 * within one poll. So only an allow-list of connection and security keys is accepted, each value checked against
 * the rule of its kind; certificates and keys come as PEM content, never as paths. Everything else is refused with a
 * message naming the key, the value (hidden when secret) and the rule. Pure: no I/O, no state.
 */
public final class KafkaClientSettings {

    /** Shown instead of a secret value. */
    public static final String HIDDEN = "[hidden]";

    public static final String PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    public static final String SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";

    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
    private static final Set<String> TLS_VERSIONS = Set.of("TLSv1.2", "TLSv1.3");
    private static final Set<String> DNS_LOOKUPS = Set.of("use_all_dns_ips", "resolve_canonical_bootstrap_servers_only");
    private static final Pattern RACK = Pattern.compile("[A-Za-z0-9._-]{1,253}");
    private static final Pattern CIPHER = Pattern.compile("[A-Z0-9_]{1,100}");
    private static final int MAX_VALUE_LENGTH = 64 * 1024;

    /** What each allowed key means for validation. */
    private enum Kind { PROTOCOL, MECHANISM, JAAS, PEM_TYPE, CERTIFICATES, PRIVATE_KEY, KEY_PASSWORD,
        ENDPOINT_IDENTIFICATION, TLS_VERSION, TLS_VERSIONS_LIST, CIPHERS, DNS_LOOKUP, RACK }

    private static final Map<String, Kind> ALLOWED = Map.ofEntries(
            Map.entry("security.protocol", Kind.PROTOCOL),
            Map.entry("sasl.mechanism", Kind.MECHANISM),
            Map.entry("sasl.jaas.config", Kind.JAAS),
            Map.entry("ssl.truststore.type", Kind.PEM_TYPE),
            Map.entry("ssl.truststore.certificates", Kind.CERTIFICATES),
            Map.entry("ssl.keystore.type", Kind.PEM_TYPE),
            Map.entry("ssl.keystore.certificate.chain", Kind.CERTIFICATES),
            Map.entry("ssl.keystore.key", Kind.PRIVATE_KEY),
            Map.entry("ssl.key.password", Kind.KEY_PASSWORD),
            Map.entry("ssl.endpoint.identification.algorithm", Kind.ENDPOINT_IDENTIFICATION),
            Map.entry("ssl.protocol", Kind.TLS_VERSION),
            Map.entry("ssl.enabled.protocols", Kind.TLS_VERSIONS_LIST),
            Map.entry("ssl.cipher.suites", Kind.CIPHERS),
            Map.entry("client.dns.lookup", Kind.DNS_LOOKUP),
            Map.entry("client.rack", Kind.RACK));

    /** Settings the scaler sets itself: they decide how fast a down broker becomes visible, and who is asking. */
    private static final Set<String> SCALER_OWNED = Set.of("bootstrap.servers", "client.id",
            "request.timeout.ms", "default.api.timeout.ms", "socket.connection.setup.timeout.ms",
            "socket.connection.setup.timeout.max.ms", "reconnect.backoff.ms", "reconnect.backoff.max.ms",
            "retry.backoff.ms", "retry.backoff.max.ms", "retries", "connections.max.idle.ms",
            "metadata.max.age.ms", "metadata.recovery.strategy", "metadata.recovery.rebootstrap.trigger.ms");

    /** Keys that name classes to load (besides every {@code *.class} and {@code *.classes} key). */
    private static final Set<String> CLASS_KEYS = Set.of("metric.reporters", "config.providers",
            "interceptor.classes", "ssl.engine.factory.class", "sasl.login.class", "sasl.client.callback.handler.class",
            "sasl.login.callback.handler.class", "ssl.provider", "security.providers", "auto.include.jmx.reporter",
            "ssl.keymanager.algorithm", "ssl.trustmanager.algorithm", "ssl.secure.random.implementation");

    private KafkaClientSettings() {
    }

    /**
     * Every problem of these settings at once, each naming {@code where[key]}, the value (hidden when secret) and
     * the rule; empty when all are allowed. Cross-key rules (a PEM key needs its store type PEM, SASL needs a
     * mechanism and a JAAS configuration) are checked on the merged settings by {@link #crossProblems}.
     *
     * @param where the settings' origin as the tenant wrote it, e.g. {@code spec.kafka.config} or
     *              {@code Secret kafka-credentials}
     */
    public static List<String> problems(String where, Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
            String problem = problem(e.getKey(), e.getValue());
            if (problem != null) {
                problems.add("Invalid value " + shown(e.getKey(), e.getValue()) + " for " + where + "["
                        + e.getKey() + "]: " + problem);
            }
        }
        return problems;
    }

    /** Rules between keys, on the settings as the Admin client will get them (all sources merged). */
    public static List<String> crossProblems(String where, Map<String, String> merged) {
        List<String> problems = new ArrayList<>();
        String protocol = merged.getOrDefault("security.protocol", "PLAINTEXT").trim().toUpperCase(Locale.ROOT);
        boolean sasl = protocol.startsWith("SASL_");
        if (sasl && !merged.containsKey("sasl.jaas.config")) {
            problems.add("Invalid value " + protocol + " for " + where + "[security.protocol]: SASL needs "
                    + "sasl.jaas.config (or spec.kafka.authentication.sasl)");
        }
        if (!sasl && merged.containsKey("sasl.jaas.config")) {
            problems.add("Invalid value " + protocol + " for " + where + "[security.protocol]: sasl.jaas.config is "
                    + "set, so security.protocol must be SASL_SSL or SASL_PLAINTEXT");
        }
        if (sasl) {
            String mechanism = merged.getOrDefault("sasl.mechanism", "GSSAPI").trim();
            String module = jaasModule(merged.get("sasl.jaas.config"));
            String expected = mechanism.equals("PLAIN") ? PLAIN_MODULE : mechanism.startsWith("SCRAM-") ? SCRAM_MODULE
                    : null;
            if (expected == null) {
                problems.add("Invalid value " + mechanism + " for " + where + "[sasl.mechanism]: must be one of "
                        + sorted(MECHANISMS) + " (Kafka's default GSSAPI needs Kerberos files)");
            } else if (module != null && !module.equals(expected)) {
                problems.add("Invalid value " + mechanism + " for " + where + "[sasl.mechanism]: sasl.jaas.config "
                        + "uses " + module + ", which does not implement " + mechanism);
            }
        }
        pemPair(where, merged, "ssl.truststore.type", "ssl.truststore.certificates", problems);
        pemPair(where, merged, "ssl.keystore.type", "ssl.keystore.key", problems);
        if (merged.containsKey("ssl.keystore.key") != merged.containsKey("ssl.keystore.certificate.chain")) {
            problems.add("Invalid value " + HIDDEN + " for " + where + "[ssl.keystore.key]: ssl.keystore.key and "
                    + "ssl.keystore.certificate.chain go together (a client certificate and its private key)");
        }
        boolean tls = protocol.equals("SSL") || protocol.equals("SASL_SSL");
        if (!tls && merged.keySet().stream().anyMatch(k -> k.startsWith("ssl.")
                && !k.equals("ssl.endpoint.identification.algorithm"))) {
            problems.add("Invalid value " + protocol + " for " + where + "[security.protocol]: ssl.* settings are set, "
                    + "so security.protocol must be SSL or SASL_SSL");
        }
        return problems;
    }

    private static void pemPair(String where, Map<String, String> merged, String typeKey, String contentKey,
                                List<String> problems) {
        if (merged.containsKey(contentKey) && !"PEM".equalsIgnoreCase(merged.getOrDefault(typeKey, "").trim())) {
            problems.add("Invalid value " + merged.getOrDefault(typeKey, "null") + " for " + where + "[" + typeKey
                    + "]: must be PEM when " + contentKey + " is set");
        }
    }

    /** Whether a setting's value is a secret: never printed, logged or written to status. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("jaas") || k.endsWith(".key")
                || k.contains("credential") || k.contains("token");
    }

    /** The value as it may be shown: {@value #HIDDEN} for secrets, else quoted and cut to 200 characters. */
    public static String shown(String key, String value) {
        if (value == null) {
            return "null";
        }
        if (isSecret(key)) {
            return HIDDEN;
        }
        String v = value.length() > 200 ? value.substring(0, 200) + "..." : value;
        return "'" + v.replace("\n", "\\n") + "'";
    }

    /** A copy for printing: secret values replaced by {@value #HIDDEN}, keys sorted. */
    public static Map<String, String> redacted(Map<String, ?> settings) {
        Map<String, String> out = new TreeMap<>();
        settings.forEach((k, v) -> out.put(k, v == null ? "null" : isSecret(k) ? HIDDEN : String.valueOf(v)));
        return out;
    }

    /** The rule this key/value breaks, or null when allowed. The rule never contains the value. */
    public static String problem(String key, String value) {
        if (key == null || key.isBlank()) {
            return "the key must not be blank";
        }
        String k = key.trim();
        if (!k.equals(key)) {
            return "the key must not have surrounding spaces";
        }
        if (value == null) {
            return "must be set";
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            return "must be at most " + MAX_VALUE_LENGTH + " characters";
        }
        if (k.endsWith(".class") || k.endsWith(".classes") || CLASS_KEYS.contains(k)) {
            return "settings that load classes or providers are not allowed in the scaler";
        }
        if (k.endsWith(".location") || k.endsWith(".file") || k.endsWith(".path") || k.contains("keytab")
                || k.startsWith("sasl.kerberos.") || k.startsWith("sasl.oauthbearer.")) {
            return "settings that read local files or URLs are not allowed in the scaler; give certificates and keys "
                    + "as PEM content (ssl.truststore.certificates, ssl.keystore.certificate.chain, ssl.keystore.key)";
        }
        if (k.equals("ssl.keystore.password") || k.equals("ssl.truststore.password")) {
            return "store passwords only apply to keystore files, which are not allowed; use PEM content "
                    + "(ssl.key.password for an encrypted ssl.keystore.key)";
        }
        if (SCALER_OWNED.contains(k)) {
            return k.equals("bootstrap.servers") ? "set spec.kafka.bootstrapServers instead"
                    : "the scaler sets this itself (its timeouts make a down broker visible within one poll)";
        }
        Kind kind = ALLOWED.get(k);
        if (kind == null) {
            return "not an allowed client setting; allowed: " + sorted(ALLOWED.keySet());
        }
        String v = value.trim();
        return switch (kind) {
            case PROTOCOL -> PROTOCOLS.contains(v.toUpperCase(Locale.ROOT)) ? null
                    : "must be one of " + sorted(PROTOCOLS);
            case MECHANISM -> MECHANISMS.contains(v) ? null : "must be one of " + sorted(MECHANISMS)
                    + " (GSSAPI needs Kerberos files, OAUTHBEARER a login callback class: neither is supported)";
            case JAAS -> jaasProblem(value);
            case PEM_TYPE -> v.equalsIgnoreCase("PEM") ? null
                    : "must be PEM (keystore files are not allowed; give the certificates as PEM content)";
            case CERTIFICATES -> certificatesProblem(v);
            case PRIVATE_KEY -> privateKeyProblem(v);
            case KEY_PASSWORD -> v.isEmpty() ? "must not be empty" : null;
            case ENDPOINT_IDENTIFICATION -> v.isEmpty() || v.equalsIgnoreCase("https") ? null
                    : "must be https or empty (no host name check)";
            case TLS_VERSION -> TLS_VERSIONS.contains(v) ? null : "must be one of " + sorted(TLS_VERSIONS);
            case TLS_VERSIONS_LIST -> list(v).stream().allMatch(TLS_VERSIONS::contains) && !list(v).isEmpty() ? null
                    : "must be a comma-separated list of " + sorted(TLS_VERSIONS);
            case CIPHERS -> list(v).stream().allMatch(c -> CIPHER.matcher(c).matches()) && !list(v).isEmpty() ? null
                    : "must be a comma-separated list of cipher suite names (letters, digits, _)";
            case DNS_LOOKUP -> DNS_LOOKUPS.contains(v) ? null : "must be one of " + sorted(DNS_LOOKUPS);
            case RACK -> RACK.matcher(v).matches() ? null : "must match " + RACK.pattern();
        };
    }

    private static String privateKeyProblem(String v) {
        if (v.startsWith("-----BEGIN RSA PRIVATE KEY-----") || v.startsWith("-----BEGIN EC PRIVATE KEY-----")) {
            return "must be a PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert it with "
                    + "'openssl pkcs8 -topk8 -nocrypt'";
        }
        boolean plain = v.startsWith("-----BEGIN PRIVATE KEY-----") && v.endsWith("-----END PRIVATE KEY-----");
        boolean encrypted = v.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
                && v.endsWith("-----END ENCRYPTED PRIVATE KEY-----");
        if (!plain && !encrypted) {
            return "must be one PEM PKCS#8 private key (-----BEGIN PRIVATE KEY----- ...)";
        }
        byte[] der;
        try {
            String body = v.substring(v.indexOf('\n') + 1, v.lastIndexOf("-----END")).replaceAll("\\s", "");
            der = java.util.Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            return "must be one PEM PKCS#8 private key (its body is not base64)";
        }
        if (encrypted) {
            return null; // needs ssl.key.password to be read; Kafka reports a wrong one when it connects
        }
        // Kafka's PEM key store tries these algorithms; a key none of them reads fails the Admin client later.
        for (String algorithm : List.of("RSA", "EC", "DSA")) {
            try {
                java.security.KeyFactory.getInstance(algorithm)
                        .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
                return null;
            } catch (java.security.GeneralSecurityException | RuntimeException e) {
                // try the next algorithm
            }
        }
        return "must be an RSA, EC or DSA PKCS#8 private key (it does not parse as one)";
    }

    /** PEM certificates that the JDK can read: a malformed one would fail the Admin client on every poll. */
    private static String certificatesProblem(String v) {
        if (!v.startsWith("-----BEGIN CERTIFICATE-----") || !v.endsWith("-----END CERTIFICATE-----")) {
            return "must be PEM certificates (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)";
        }
        try {
            java.util.Collection<? extends java.security.cert.Certificate> certs = java.security.cert.CertificateFactory
                    .getInstance("X.509").generateCertificates(new java.io.ByteArrayInputStream(
                            v.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            return certs.isEmpty() ? "must contain at least one PEM certificate" : null;
        } catch (java.security.cert.CertificateException | RuntimeException e) {
            return "must be PEM certificates that parse as X.509 (" + e.getClass().getSimpleName() + ")";
        }
    }

    /** The login module class of a JAAS configuration, or null when it does not parse. */
    static String jaasModule(String jaas) {
        if (jaas == null) {
            return null;
        }
        try {
            return Jaas.parse(jaas).module();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String jaasProblem(String jaas) {
        Jaas parsed;
        try {
            parsed = Jaas.parse(jaas);
        } catch (IllegalArgumentException e) {
            return "must be one JAAS entry '<LoginModule> required username=\"...\" password=\"...\";' (" + e.getMessage()
                    + ")";
        }
        Set<String> options;
        if (parsed.module().equals(PLAIN_MODULE)) {
            options = Set.of("username", "password");
        } else if (parsed.module().equals(SCRAM_MODULE)) {
            options = Set.of("username", "password", "tokenauth");
        } else {
            return "login module " + parsed.module() + " is not allowed: must be " + PLAIN_MODULE + " or "
                    + SCRAM_MODULE;
        }
        if (!parsed.flag().equals("required")) {
            return "login module flag " + parsed.flag() + " is not allowed: must be required";
        }
        for (String option : parsed.options().keySet()) {
            if (!options.contains(option)) {
                return "JAAS option " + option + " is not allowed for " + parsed.module() + ": allowed "
                        + sorted(options);
            }
        }
        if (!parsed.options().containsKey("username") || !parsed.options().containsKey("password")) {
            return "JAAS options username and password are required";
        }
        String tokenauth = parsed.options().get("tokenauth");
        if (tokenauth != null && !tokenauth.equals("true") && !tokenauth.equals("false")) {
            return "JAAS option tokenauth must be true or false";
        }
        return null;
    }

    private static List<String> list(String v) {
        return v.isEmpty() ? List.of() : java.util.Arrays.stream(v.split(",")).map(String::trim).toList();
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    /**
     * One JAAS entry, parsed more strictly than Kafka's own parser (no comments, no second entry, unquoted values
     * only of plain characters), so that whatever passes here means the same to Kafka. Error messages never contain
     * option values.
     */
    record Jaas(String module, String flag, Map<String, String> options) {

        private static final Pattern CLASS = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
        private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.@:+-]+");
        private static final Pattern OPTION = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");

        static Jaas parse(String text) {
            Cursor c = new Cursor(text);
            String module = c.token("login module class");
            if (!CLASS.matcher(module).matches()) {
                throw new IllegalArgumentException("the login module must be a class name");
            }
            String flag = c.token("control flag");
            Map<String, String> options = new TreeMap<>();
            while (true) {
                c.skipSpaces();
                if (c.peek() == ';') {
                    c.next();
                    break;
                }
                if (c.atEnd()) {
                    throw new IllegalArgumentException("missing ';' at the end");
                }
                String name = c.token("option name");
                if (!OPTION.matcher(name).matches()) {
                    throw new IllegalArgumentException("an option name may only contain letters, digits, _ . -");
                }
                c.skipSpaces();
                if (c.atEnd() || c.next() != '=') {
                    throw new IllegalArgumentException("option " + name + " needs '=' and a value");
                }
                c.skipSpaces();
                String value = c.peek() == '"' ? c.quoted(name) : c.token("value of " + name);
                if (!value.isEmpty() && c.lastWasWord && !WORD.matcher(value).matches()) {
                    throw new IllegalArgumentException("the value of option " + name
                            + " must be quoted when it contains characters other than letters, digits, _ . @ : + -");
                }
                if (options.put(name, value) != null) {
                    throw new IllegalArgumentException("option " + name + " appears twice");
                }
            }
            c.skipSpaces();
            if (!c.atEnd()) {
                throw new IllegalArgumentException("exactly one login module entry is allowed");
            }
            return new Jaas(module, flag, options);
        }

        @Override
        public String toString() {
            return "Jaas[" + module + " " + flag + " options " + options.keySet() + "]";
        }
    }

    /** A reader over a JAAS text. */
    private static final class Cursor {
        private final String s;
        private int i;
        boolean lastWasWord;

        Cursor(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return i >= s.length();
        }

        char peek() {
            return atEnd() ? '\0' : s.charAt(i);
        }

        char next() {
            return s.charAt(i++);
        }

        void skipSpaces() {
            while (!atEnd() && Character.isWhitespace(peek())) {
                i++;
            }
        }

        /** A run of characters up to a space, '=', ';' or '"'. */
        String token(String what) {
            skipSpaces();
            int start = i;
            while (!atEnd() && !Character.isWhitespace(peek()) && peek() != '=' && peek() != ';' && peek() != '"') {
                i++;
            }
            if (start == i) {
                throw new IllegalArgumentException("missing " + what);
            }
            lastWasWord = true;
            return s.substring(start, i);
        }

        /** A double-quoted string; backslash escapes only \" and \\ (Kafka's tokenizer would read others as octal). */
        String quoted(String option) {
            next();
            StringBuilder b = new StringBuilder();
            while (!atEnd()) {
                char ch = next();
                if (ch == '"') {
                    lastWasWord = false;
                    return b.toString();
                }
                if (ch == '\\') {
                    if (atEnd() || (peek() != '"' && peek() != '\\')) {
                        throw new IllegalArgumentException("the value of option " + option
                                + " uses a backslash escape other than \\\" or \\\\");
                    }
                    ch = next();
                }
                if (ch == '\n' || ch == '\r') {
                    throw new IllegalArgumentException("the value of option " + option + " spans lines");
                }
                b.append(ch);
            }
            throw new IllegalArgumentException("the value of option " + option + " has no closing quote");
        }
    }
}
