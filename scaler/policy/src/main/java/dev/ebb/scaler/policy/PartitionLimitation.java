package dev.ebb.scaler.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * KEDA's {@code partitionLimitation}: a comma-separated list of partition ids and inclusive ranges,
 * {@code "1,2,10-20"}. Only the listed partitions count; an empty list means all.
 *
 * @param ranges the listed ids as inclusive ranges (a single id is a range of one); empty means no limitation
 */
public record PartitionLimitation(List<Range> ranges) {
    public PartitionLimitation {
        ranges = List.copyOf(ranges);
    }

    /** An inclusive range of partition ids. */
    public record Range(int low, int high) {
        public Range {
            if (low < 0 || high < low) {
                throw new IllegalArgumentException("Invalid value " + low + "-" + high
                        + " for partitionLimitation: must be ids >= 0 with low <= high");
            }
        }
    }

    public static PartitionLimitation none() {
        return new PartitionLimitation(List.of());
    }

    public boolean isLimited() {
        return !ranges.isEmpty();
    }

    public boolean includes(int partition) {
        if (ranges.isEmpty()) {
            return true;
        }
        for (Range r : ranges) {
            if (partition >= r.low() && partition <= r.high()) {
                return true;
            }
        }
        return false;
    }

    /** Parses {@code text} (null or blank: no limitation); throws with every problem at once. */
    public static PartitionLimitation parse(String text) {
        List<String> problems = problems(text);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        List<Range> ranges = new ArrayList<>();
        if (text != null && !text.isBlank()) {
            for (String raw : text.split(",")) {
                ranges.add(toRange(raw.trim()));
            }
        }
        return new PartitionLimitation(ranges);
    }

    /** Every problem with {@code text}; empty when it parses. */
    public static List<String> problems(String text) {
        List<String> problems = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return problems;
        }
        for (String raw : text.split(",", -1)) {
            String token = raw.trim();
            if (toRange(token) == null) {
                problems.add("Invalid value '" + token + "' for partitionLimitation: must be a partition id or a range"
                        + " low-high of ids >= 0 with low <= high, as in \"1,2,10-20\"");
            }
        }
        return problems;
    }

    /** The range {@code token} denotes, or null when it is malformed. */
    private static Range toRange(String token) {
        int dash = token.indexOf('-', 1);
        int low = parseId(dash < 0 ? token : token.substring(0, dash).trim());
        int high = dash < 0 ? low : parseId(token.substring(dash + 1).trim());
        if (low < 0 || high < low) {
            return null;
        }
        return new Range(low, high);
    }

    /** The id, or -1 when {@code s} is not a non-negative int. */
    private static int parseId(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return -1;
            }
        }
        return Integer.parseInt(s);
    }
}
