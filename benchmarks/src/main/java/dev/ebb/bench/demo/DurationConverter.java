package dev.ebb.bench.demo;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli's reading of a duration option: "90s", "5m", "1500ms", "1m30s" or ISO-8601 "PT90S". */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return DemoOptions.parseDuration("the option", value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "' is not a duration like 500ms, 30s, 5m or 1m30s");
        }
    }
}
