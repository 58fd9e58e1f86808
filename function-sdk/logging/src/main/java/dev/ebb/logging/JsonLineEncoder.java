package dev.ebb.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per log event, one event per line:
 * {@code {"timestamp":"2026-01-02T03:04:05.678Z","level":"INFO","logger":"dev.ebb...","thread":"main",
 * "message":"...", <MDC entries>, <key-values>, "exception":"..."}}.
 *
 * <p>MDC entries and SLF4J key-values ({@code log.atInfo().addKeyValue(k, v)}) are top-level fields, so a collector
 * can query them; one whose key is already taken by a field above is written as {@code mdc.KEY} or {@code kv.KEY}.
 * Values are strings (key-values: {@code String.valueOf}). Control characters are escaped, so a message cannot break
 * the line or forge another event.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

    private static final Set<String> FIELDS = Set.of("timestamp", "level", "logger", "thread", "message",
            "exception");

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return line(event).getBytes(StandardCharsets.UTF_8);
    }

    static String line(ILoggingEvent event) {
        StringBuilder b = new StringBuilder(256);
        b.append('{');
        field(b, "timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        b.append(',');
        field(b, "level", event.getLevel().toString());
        b.append(',');
        field(b, "logger", event.getLoggerName());
        b.append(',');
        field(b, "thread", event.getThreadName());
        b.append(',');
        field(b, "message", event.getFormattedMessage());
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null) {
            for (Map.Entry<String, String> e : mdc.entrySet()) {
                b.append(',');
                field(b, FIELDS.contains(e.getKey()) ? "mdc." + e.getKey() : e.getKey(), e.getValue());
            }
        }
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair kv : event.getKeyValuePairs()) {
                b.append(',');
                field(b, FIELDS.contains(kv.key) || (mdc != null && mdc.containsKey(kv.key)) ? "kv." + kv.key
                        : kv.key, kv.value == null ? null : String.valueOf(kv.value));
            }
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            b.append(',');
            field(b, "exception", ThrowableProxyUtil.asString(thrown));
        }
        return b.append("}\n").toString();
    }

    private static void field(StringBuilder b, String name, String value) {
        string(b, name);
        b.append(':');
        if (value == null) {
            b.append("null");
        } else {
            string(b, value);
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
