package dev.ebb.function.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Worker credentials in the layouts Kubernetes users keep them in (a Secret's {@code username}/{@code password} keys
 * as environment variables or mounted files; a Strimzi {@code KafkaUser} Secret's {@code user.crt}/{@code user.key}
 * and the cluster CA's {@code ca.crt} as mounted files), turned into Kafka client settings: a built JAAS entry and PEM
 * content. Problems name the variable and the rule, never a secret value.
 */
public final class KafkaAuth {

  public static final String SASL_MECHANISM = "EBB_SASL_MECHANISM";
  public static final String SASL_USERNAME = "EBB_SASL_USERNAME";
  public static final String SASL_PASSWORD = "EBB_SASL_PASSWORD";
  public static final String TLS = "EBB_TLS";
  public static final String TLS_CA_FILE = "EBB_TLS_CA_FILE";
  public static final String TLS_CERT_FILE = "EBB_TLS_CERT_FILE";
  public static final String TLS_KEY_FILE = "EBB_TLS_KEY_FILE";
  static final String FILE = "_FILE";

  private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule";
  private static final String SCRAM = "org.apache.kafka.common.security.scram.ScramLoginModule";

  private KafkaAuth() {}

  /**
   * Client settings from the {@code EBB_SASL_*} and {@code EBB_TLS*} settings; empty when none is set.
   *
   * @param problems receives every problem found
   */
  public static Map<String, String> settings(Map<String, String> in, List<String> problems) {
    Map<String, String> out = new LinkedHashMap<>();
    String mechanism = trimmed(in.get(SASL_MECHANISM));
    String caFile = trimmed(in.get(TLS_CA_FILE));
    String certFile = trimmed(in.get(TLS_CERT_FILE));
    String keyFile = trimmed(in.get(TLS_KEY_FILE));
    String tlsFlag = trimmed(in.get(TLS));
    boolean anyTlsFile = caFile != null || certFile != null || keyFile != null;
    boolean tls = anyTlsFile;
    if (tlsFlag != null) {
      if (tlsFlag.equalsIgnoreCase("true")) {
        tls = true;
      } else if (tlsFlag.equalsIgnoreCase("false")) {
        if (anyTlsFile) {
          problems.add("Invalid value false for " + TLS + ": " + TLS_CA_FILE + ", " + TLS_CERT_FILE + " or "
              + TLS_KEY_FILE + " is set, which needs TLS");
        }
        tls = false;
      } else {
        problems.add("Invalid value " + tlsFlag + " for " + TLS + ": must be true or false");
      }
    }
    boolean saslInputs = secret(in, SASL_USERNAME, problems, false) != null
        || secret(in, SASL_PASSWORD, problems, false) != null;
    if (mechanism == null && saslInputs) {
      problems.add("Missing " + SASL_MECHANISM + ": " + SASL_USERNAME + "/" + SASL_PASSWORD
          + " are set; the mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
    }
    if (mechanism != null) {
      String module = switch (mechanism.toUpperCase(Locale.ROOT)) {
        case "PLAIN" -> PLAIN;
        case "SCRAM-SHA-256", "SCRAM-SHA-512" -> SCRAM;
        default -> null;
      };
      if (module == null) {
        problems.add("Invalid value " + mechanism + " for " + SASL_MECHANISM
            + ": must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
      }
      String username = secret(in, SASL_USERNAME, problems, true);
      String password = secret(in, SASL_PASSWORD, problems, true);
      if (module != null && username != null && password != null) {
        out.put("security.protocol", tls ? "SASL_SSL" : "SASL_PLAINTEXT");
        out.put("sasl.mechanism", mechanism.toUpperCase(Locale.ROOT));
        out.put("sasl.jaas.config", module + " required username=\"" + escape(username) + "\" password=\""
            + escape(password) + "\";");
      }
    } else if (tls) {
      out.put("security.protocol", "SSL");
    }
    if (caFile != null) {
      String ca = read(TLS_CA_FILE, caFile, "-----BEGIN CERTIFICATE-----", problems);
      if (ca != null) {
        out.put("ssl.truststore.type", "PEM");
        out.put("ssl.truststore.certificates", ca);
      }
    }
    if ((certFile == null) != (keyFile == null)) {
      problems.add("Missing " + (certFile == null ? TLS_CERT_FILE : TLS_KEY_FILE) + ": " + TLS_CERT_FILE + " and "
          + TLS_KEY_FILE + " go together (a client certificate and its private key)");
    } else if (certFile != null) {
      String chain = read(TLS_CERT_FILE, certFile, "-----BEGIN CERTIFICATE-----", problems);
      String key = read(TLS_KEY_FILE, keyFile, "-----BEGIN", problems);
      if (key != null && (key.startsWith("-----BEGIN RSA PRIVATE KEY-----")
          || key.startsWith("-----BEGIN EC PRIVATE KEY-----"))) {
        problems.add("Invalid value " + keyFile + " for " + TLS_KEY_FILE + ": must be a PKCS#8 key (-----BEGIN "
            + "PRIVATE KEY-----); convert it with 'openssl pkcs8 -topk8 -nocrypt'");
        key = null;
      }
      if (chain != null && key != null) {
        out.put("ssl.keystore.type", "PEM");
        out.put("ssl.keystore.certificate.chain", chain);
        out.put("ssl.keystore.key", key);
      }
    }
    return out;
  }

  /** A value given directly ({@code NAME}) or as a mounted file ({@code NAME_FILE}), trailing newline removed. */
  private static String secret(Map<String, String> in, String name, List<String> problems, boolean required) {
    String direct = in.get(name);
    String file = trimmed(in.get(name + FILE));
    if (direct != null && !direct.isEmpty() && file != null) {
      if (required) {
        problems.add("Invalid value " + file + " for " + name + FILE + ": set either " + name + " or " + name + FILE
            + ", not both");
      }
      return null;
    }
    if (file != null) {
      try {
        return stripNewline(Files.readString(Path.of(file), StandardCharsets.UTF_8));
      } catch (IOException | RuntimeException e) {
        if (required) {
          problems.add("Invalid value " + file + " for " + name + FILE + ": cannot read it ("
              + e.getClass().getSimpleName() + ")");
        }
        return null;
      }
    }
    if (direct == null || direct.isEmpty()) {
      if (required) {
        problems.add("Missing " + name + " (or " + name + FILE + "): " + SASL_MECHANISM + " is set");
      }
      return null;
    }
    if (required && (direct.contains("\n") || direct.contains("\r"))) {
      problems.add("Invalid value [hidden] for " + name + ": must be one line");
      return null;
    }
    return direct;
  }

  private static String read(String name, String file, String begins, List<String> problems) {
    String text;
    try {
      text = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
    } catch (IOException | RuntimeException e) {
      problems.add("Invalid value " + file + " for " + name + ": cannot read it (" + e.getClass().getSimpleName()
          + ")");
      return null;
    }
    if (!text.startsWith(begins)) {
      problems.add("Invalid value " + file + " for " + name + ": must be PEM (" + begins + " ...)");
      return null;
    }
    return text;
  }

  private static String stripNewline(String s) {
    String out = s;
    while (out.endsWith("\n") || out.endsWith("\r")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static String trimmed(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** Whether a Kafka client setting's value is secret: never printed. */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("secret") || k.contains("jaas") || k.endsWith(".key")
        || k.contains("credential") || k.contains("token");
  }

  /** A copy for printing, keys sorted, secret values replaced by {@code [hidden]}. */
  public static Map<String, String> redacted(Map<String, ?> settings) {
    Map<String, String> out = new TreeMap<>();
    settings.forEach((k, v) -> out.put(k, v == null ? "null" : isSecret(k) ? "[hidden]" : String.valueOf(v)));
    return out;
  }
}
