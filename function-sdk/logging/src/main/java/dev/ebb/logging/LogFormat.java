package dev.ebb.logging;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How Ebb's processes write their log: {@code text} (one readable line per event, the default) or {@code json} (one
 * JSON object per line, for a log collector). Chosen by the system property {@value #PROPERTY} (what
 * {@code --log-format} sets), else the environment variable {@value #ENV}, else text.
 */
public enum LogFormat {
    TEXT, JSON;

    /** Environment variable read by every Ebb process: the scaler and the workers. */
    public static final String ENV = "EBB_LOG_FORMAT";
    /** System property; wins over {@value #ENV}. */
    public static final String PROPERTY = "ebb.log.format";

    /** The format named {@code text} or {@code json} (any case), or empty for anything else. */
    public static Optional<LogFormat> named(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> Optional.of(TEXT);
            case "json" -> Optional.of(JSON);
            default -> Optional.empty();
        };
    }

    /**
     * The format the property or environment asks for. A value that is neither text nor json is named in
     * {@code problem} and text is used: a typo in a Deployment must not stop the process from logging.
     */
    static Resolved resolve(String property, Map<String, String> env) {
        String source = property != null ? "-D" + PROPERTY : ENV;
        String value = property != null ? property : env.get(ENV);
        if (value == null || value.isBlank()) {
            return new Resolved(TEXT, Optional.empty());
        }
        return named(value).map(f -> new Resolved(f, Optional.<String>empty()))
                .orElseGet(() -> new Resolved(TEXT, Optional.of("Invalid value '" + printable(value) + "' for "
                        + source + ": must be text or json; logging as text")));
    }

    record Resolved(LogFormat format, Optional<String> problem) {
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(40).forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
