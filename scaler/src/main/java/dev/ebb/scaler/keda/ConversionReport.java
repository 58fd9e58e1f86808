package dev.ebb.scaler.keda;

import static dev.ebb.scaler.keda.KedaImporter.printable;

import dev.ebb.scaler.keda.KedaImporter.Note;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the conversion of one ScaledObject found: problems that stop it, fields not carried, remarks, credential
 * steps. The value readers record a problem (naming field, value and rule) and return null instead of throwing, so
 * every problem of a ScaledObject is reported at once.
 */
final class ConversionReport {

    final List<String> errors = new ArrayList<>();
    final List<Note> notCarried = new ArrayList<>();
    final List<Note> remarks = new ArrayList<>();
    final List<String> secretSteps = new ArrayList<>();

    Integer integer(Map<String, Object> in, String key, String field, int min) {
        Object v = in.get(key);
        if (v == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(String.valueOf(v).trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add("Invalid value '" + printable(String.valueOf(v)) + "' for " + field + ": must be an integer >= "
                + min);
        return null;
    }

    Long longValue(String v, String field, long min) {
        if (v == null) {
            return null;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add("Invalid value '" + printable(v) + "' for " + field + ": must be an "
                + "integer >= " + min);
        return null;
    }

    Double decimal(Object v, String field) {
        if (v == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(String.valueOf(v).trim());
            if (d >= 0 && d < 1) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add("Invalid value '" + printable(String.valueOf(v)) + "' for " + field + ": must be a number in "
                + "[0, 1)");
        return null;
    }

    /** KEDA parses booleans with Go's strconv.ParseBool. */
    Boolean bool(String v, String field) {
        return switch (v.trim()) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> {
                errors.add("Invalid value '" + printable(v) + "' for " + field + ": must be true or false");
                yield null;
            }
        };
    }
}
