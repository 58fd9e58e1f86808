package dev.ebb.scaler.policy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The one declaration of every policy setting: its name (as a user writes it in YAML), type, default, bounds and
 * meaning. From it come {@link PolicySpec}'s defaults (constructor and builder), the single-field rules of
 * {@link PolicySpec#validate()} (messages name field, value and rule), the enums of the CRD's string fields, and
 * POLICY.md's settings table ({@link #markdownTable()}). The CRD's {@code @Default}/{@code @Min}/{@code @Max}
 * annotations must be compile-time constants, so they name {@link PolicyDefaults}' constants; a test compares the
 * generated schema's defaults, bounds and enums with this table, and one compares POLICY.md with it.
 *
 * <p>Rules between fields ({@code maxReplicas >= minReplicas}, {@code idleReplicas <= minReplicas},
 * {@code fallback.replicas <= maxReplicas}) are written once, in {@link PolicySpec#validate()}; {@link #crossRule()}
 * only states them for the documentation.
 */
public enum PolicyField {

    MODE("mode", Type.CHOICE, PolicyDefaults.MODE, Range.NONE, "",
            "`drain`: rate-aware (below). `threshold`: KEDA's `ceil(lag / lagThreshold)`.",
            PolicySpec::mode, choices(Mode.DRAIN, Mode.THRESHOLD)),
    MIN_REPLICAS("minReplicas", Type.COUNT, PolicyDefaults.MIN_REPLICAS, Range.between("0", PolicyDefaults.REPLICAS_MAX_TEXT),
            "", "Lowest count while active.", PolicySpec::minReplicas),
    MAX_REPLICAS("maxReplicas", Type.COUNT, PolicyDefaults.MAX_REPLICAS,
            Range.between("1", PolicyDefaults.REPLICAS_MAX_TEXT), ">= minReplicas", "Highest count, always.",
            PolicySpec::maxReplicas),
    IDLE_REPLICAS("idleReplicas", Type.COUNT, null, Range.between("0", PolicyDefaults.REPLICAS_MAX_TEXT),
            "<= minReplicas", "Count while idle. Unset means `minReplicas`, which is 0 with the default minimum "
            + "(KEDA `idleReplicaCount`).", s -> unset(s.idleReplicas())),
    ACTIVATION_LAG_THRESHOLD("activationLagThreshold", Type.NUMBER, PolicyDefaults.ACTIVATION_LAG_THRESHOLD,
            Range.atLeast("0"), "", "An idle workload activates when lag is above this.",
            PolicySpec::activationLagThreshold),
    LAG_THRESHOLD("lagThreshold", Type.NUMBER, PolicyDefaults.LAG_THRESHOLD, Range.above("0"), "",
            "threshold: target lag per replica.", PolicySpec::lagThreshold),
    DRAIN_WITHIN("drainWithin", Type.DURATION, PolicyDefaults.DRAIN_WITHIN,
            Range.above("0s").atMost(PolicyDefaults.MAX_DURATION), "", "drain: clear the backlog within this time.",
            PolicySpec::drainWithin),
    PER_REPLICA_RATE("perReplicaRate", Type.DECIMAL, PolicyDefaults.PER_REPLICA_RATE, Range.above("0"), "",
            "drain: prior records/s per replica, used until capacity is measured.", PolicySpec::perReplicaRate),
    MAX_TIME_LAG("maxTimeLag", Type.DURATION, null, Range.above("0s").atMost(PolicyDefaults.MAX_DURATION), "",
            "drain: SLO on the age of the oldest unconsumed record.", s -> s.maxTimeLag().orElse(null)),
    COOLDOWN("cooldown", Type.DURATION, PolicyDefaults.COOLDOWN, Range.between("0s", PolicyDefaults.MAX_DURATION), "",
            "Lag and arrivals must stay zero this long before going to the idle count.", PolicySpec::cooldown),
    SCALE_UP_MAX_STEP("scaleUpMaxStep", Type.COUNT, null, Range.between("1", PolicyDefaults.REPLICAS_MAX_TEXT), "",
            "At most this many replicas added per decision.", s -> unset(s.scaleUpMaxStep())),
    SCALE_DOWN_WINDOW("scaleDownWindow", Type.DURATION, null, Range.between("0s", PolicyDefaults.MAX_DURATION), "",
            "Scale-down stabilization: the highest desire within the window wins. " + PolicyDefaults.WINDOW_UNSET,
            PolicySpec::scaleDownWindow),
    SCALE_DOWN_MAX_STEP("scaleDownMaxStep", Type.COUNT, null, Range.between("1", PolicyDefaults.REPLICAS_MAX_TEXT), "",
            "At most this many replicas removed per decision.", s -> unset(s.scaleDownMaxStep())),
    TOLERANCE("tolerance", Type.DECIMAL, PolicyDefaults.TOLERANCE, Range.atLeast("0").below("1"), "",
            "Relative difference between need and current count that is ignored.", PolicySpec::tolerance),
    READY_DELAY("readyDelay", Type.DURATION, PolicyDefaults.READY_DELAY, Range.between("0s", PolicyDefaults.MAX_DURATION),
            "", "Expected time until a new replica consumes: cold start plus the join/rebalance.",
            PolicySpec::readyDelay),
    REBALANCE_GRACE("rebalanceGrace", Type.DURATION, PolicyDefaults.REBALANCE_GRACE,
            Range.between("0s", PolicyDefaults.MAX_DURATION), "",
            "After a change, no scale-down until the group settled or this passed.", PolicySpec::rebalanceGrace),
    COMMIT_INTERVAL("commitInterval", Type.DURATION, PolicyDefaults.COMMIT_INTERVAL,
            Range.between("0s", PolicyDefaults.MAX_DURATION), "",
            "The workers' commit cadence (auto-commit interval, or batch duration). The default is Kafka's "
            + "auto-commit default; SDK workers commit every 1s, which it covers.", PolicySpec::commitInterval),
    STALE_AFTER("staleAfter", Type.DURATION, PolicyDefaults.STALE_AFTER,
            Range.above("0s").atMost(PolicyDefaults.MAX_DURATION), "", "An observation older than this counts as missing.",
            PolicySpec::staleAfter),
    FALLBACK_FAILURE_THRESHOLD("fallback.failureThreshold", Type.COUNT, PolicyDefaults.FALLBACK_FAILURE_THRESHOLD,
            Range.between("1", PolicyDefaults.REPLICAS_MAX_TEXT), "",
            "Failed observations in a row before the fallback applies.",
            s -> s.fallback().map(Fallback::failureThreshold).orElse(null)),
    FALLBACK_REPLICAS("fallback.replicas", Type.COUNT, null, Range.between("1", PolicyDefaults.REPLICAS_MAX_TEXT),
            "<= maxReplicas", "The fallback count. Fallback never scales to zero. Required unless `behavior` is "
            + "`currentReplicas`.", s -> s.fallback().map(Fallback::replicas).orElse(null)),
    FALLBACK_BEHAVIOR("fallback.behavior", Type.CHOICE, PolicyDefaults.FALLBACK_BEHAVIOR, Range.NONE, "",
            "How `fallback.replicas` combines with the current count, as KEDA (table below).",
            s -> s.fallback().map(Fallback::behavior).orElse(null),
            Arrays.stream(FallbackBehavior.values()).map(FallbackBehavior::yamlName).toList()),
    GROUP_KIND("groupKind", Type.CHOICE, PolicyDefaults.GROUP_KIND, Range.NONE, "",
            "Consumer groups are capped at the partition count. Share groups are not. Set by `spec.kafka`: "
            + "`shareGroup` means `share`.", PolicySpec::groupKind, choices(GroupKind.CONSUMER, GroupKind.SHARE)),
    OFFSET_RESET_POLICY("offsetResetPolicy", Type.CHOICE, PolicyDefaults.OFFSET_RESET_POLICY, Range.NONE, "",
            "What a partition without a committed offset counts (KEDA's `offsetResetPolicy`; "
            + "`spec.kafka.offsetResetPolicy` in the resource).", PolicySpec::offsetResetPolicy,
            choices(OffsetResetPolicy.LATEST, OffsetResetPolicy.EARLIEST)),
    ALLOW_IDLE_CONSUMERS("allowIdleConsumers", Type.FLAG, PolicyDefaults.FALSE, Range.NONE, "",
            "threshold (KEDA): allow more replicas than partitions.", PolicySpec::allowIdleConsumers),
    EXCLUDE_PERSISTENT_LAG("excludePersistentLag", Type.FLAG, PolicyDefaults.FALSE, Range.NONE, "",
            "threshold (KEDA): ignore partitions whose committed offset did not move since the last poll.",
            PolicySpec::excludePersistentLag),
    SCALE_TO_ZERO_ON_INVALID_OFFSET("scaleToZeroOnInvalidOffset", Type.FLAG, PolicyDefaults.FALSE, Range.NONE, "",
            "threshold (KEDA): a partition without a commit counts 0.", PolicySpec::scaleToZeroOnInvalidOffset),
    LIMIT_TO_PARTITIONS_WITH_LAG("limitToPartitionsWithLag", Type.FLAG, PolicyDefaults.FALSE, Range.NONE, "",
            "threshold (KEDA): cap at the number of partitions with lag.", PolicySpec::limitToPartitionsWithLag),
    PARTITION_LIMITATION("partitionLimitation", Type.TEXT, "", Range.NONE, "ids >= 0, low <= high",
            "threshold (KEDA): only these partitions count, e.g. `1,2,10-20`.", PolicySpec::partitionLimitation),
    ENSURE_EVEN_DISTRIBUTION_OF_PARTITIONS("ensureEvenDistributionOfPartitions", Type.FLAG, PolicyDefaults.FALSE,
            Range.NONE, "", "threshold (KEDA): round up to a factor of the partition count.",
            PolicySpec::ensureEvenDistributionOfPartitions);

    /** What kind of value a setting holds, which decides how its default is read and its bounds are checked. */
    public enum Type {
        /** A replica count or step: {@code int}. */
        COUNT,
        /** A whole number of records: {@code long}. */
        NUMBER,
        /** A finite decimal: {@code double}. */
        DECIMAL,
        /** A duration in Ebb's grammar ({@code 30s}, {@code 1h30m}). */
        DURATION,
        /** {@code true} or {@code false}. */
        FLAG,
        /** One of {@link #choices()}. */
        CHOICE,
        /** Free text with a rule of its own ({@link PartitionLimitation}). */
        TEXT
    }

    /**
     * Bounds in the spelling a user writes ({@code "0"}, {@code "24h"}); {@code null} for no bound.
     *
     * @param min lower bound, or null
     * @param minInclusive whether {@code min} itself is allowed
     * @param max upper bound, or null
     * @param maxInclusive whether {@code max} itself is allowed
     */
    public record Range(String min, boolean minInclusive, String max, boolean maxInclusive) {
        static final Range NONE = new Range(null, false, null, false);

        static Range between(String min, String max) {
            return new Range(min, true, max, true);
        }

        static Range atLeast(String min) {
            return new Range(min, true, null, false);
        }

        static Range above(String min) {
            return new Range(min, false, null, false);
        }

        Range atMost(String max) {
            return new Range(min, minInclusive, max, true);
        }

        Range below(String max) {
            return new Range(min, minInclusive, max, false);
        }

        /** {@code >= 0 and <= 10000}: the words after "must be". */
        String words() {
            String lower = min == null ? null : (minInclusive ? ">= " : "> ") + min;
            String upper = max == null ? null : (maxInclusive ? "<= " : "< ") + max;
            return lower == null ? upper : upper == null ? lower : lower + " and " + upper;
        }

        /** {@code 0..10000} when both bounds are inclusive, else {@code > 0, <= 24h}: POLICY.md's rule column. */
        String doc() {
            if (min != null && max != null && minInclusive && maxInclusive) {
                return min + ".." + max;
            }
            String w = words();
            return w == null ? "" : w.replace(" and ", ", ");
        }
    }

    private final String yamlName;
    private final Type type;
    private final String defaultText;
    private final Range range;
    private final String crossRule;
    private final String doc;
    private final Function<PolicySpec, Object> getter;
    private final List<String> choices;
    /** The range's bounds read once (the policy validates its spec on every decision). */
    private final Duration minDuration;
    private final Duration maxDuration;
    private final double minNumber;
    private final double maxNumber;

    PolicyField(String yamlName, Type type, String defaultText, Range range, String crossRule, String doc,
                Function<PolicySpec, Object> getter) {
        this(yamlName, type, defaultText, range, crossRule, doc, getter, List.of());
    }

    PolicyField(String yamlName, Type type, String defaultText, Range range, String crossRule, String doc,
                Function<PolicySpec, Object> getter, List<String> choices) {
        this.yamlName = yamlName;
        this.type = type;
        this.defaultText = defaultText;
        this.range = range;
        this.crossRule = crossRule;
        this.doc = doc;
        this.getter = getter;
        this.choices = choices;
        boolean duration = type == Type.DURATION;
        this.minDuration = duration && range.min() != null ? PolicyDefaults.duration(range.min()) : null;
        this.maxDuration = duration && range.max() != null ? PolicyDefaults.duration(range.max()) : null;
        this.minNumber = !duration && range.min() != null ? Double.parseDouble(range.min()) : Double.NaN;
        this.maxNumber = !duration && range.max() != null ? Double.parseDouble(range.max()) : Double.NaN;
    }

    /** The name in YAML and in messages: {@code drainWithin}, {@code fallback.replicas}. */
    public String yamlName() {
        return yamlName;
    }

    public Type type() {
        return type;
    }

    /** The default as a user writes it ({@code 30s}, {@code drain}); empty when the setting is unset by default. */
    public Optional<String> defaultText() {
        return Optional.ofNullable(defaultText);
    }

    public Range range() {
        return range;
    }

    /** A rule against another field, stated for the documentation; {@link PolicySpec#validate()} enforces it. */
    public String crossRule() {
        return crossRule;
    }

    /** One or two sentences for POLICY.md. */
    public String doc() {
        return doc;
    }

    /** The accepted values of a {@link Type#CHOICE}, in the spelling users write; empty for other types. */
    public List<String> choices() {
        return choices;
    }

    /** This field's value in {@code spec}; {@code null} when it is unset (an empty optional, no fallback). */
    public Object valueIn(PolicySpec spec) {
        return getter.apply(spec);
    }

    /** The field by its YAML name. */
    public static Optional<PolicyField> named(String yamlName) {
        return Arrays.stream(values()).filter(f -> f.yamlName.equals(yamlName)).findFirst();
    }

    /**
     * The problem with {@code spec}'s value of this field, in the form {@code Invalid value -5 for lagThreshold: must
     * be > 0}; empty when it is within the declared range or unset.
     */
    public Optional<String> problemIn(PolicySpec spec) {
        Object v = valueIn(spec);
        return v == null ? Optional.empty() : problemWith(v, v instanceof Duration d ? Text.duration(d) : v);
    }

    /**
     * The problem with {@code value} for this field, showing the value as {@code shown} (where a spec enters, the
     * text the user wrote: {@code 86400001ms}, not a rounded {@code 86400s}); empty when it is within range.
     */
    public Optional<String> problemWith(Object value, Object shown) {
        Object v = value;
        if (v == null || range.equals(Range.NONE)) {
            return Optional.empty();
        }
        boolean aboveMin;
        boolean belowMax;
        if (type == Type.DURATION) {
            Duration d = (Duration) v;
            aboveMin = minDuration == null || compare(d, minDuration, range.minInclusive(), 1);
            belowMax = maxDuration == null || compare(d, maxDuration, range.maxInclusive(), -1);
        } else if (v instanceof Number n) {
            double x = n.doubleValue();
            aboveMin = range.min() == null || compare(x, minNumber, range.minInclusive(), 1);
            belowMax = (range.max() == null || compare(x, maxNumber, range.maxInclusive(), -1))
                    && !(type == Type.DECIMAL && Double.isInfinite(x));
        } else {
            return Optional.empty();
        }
        if (aboveMin && belowMax) {
            return Optional.empty();
        }
        // The violated side (must be >= 1; must be <= 10000), but a decimal's range whole (must be >= 0 and < 1), and
        // "finite" when it has no upper bound (infinity is above every lower bound).
        String words;
        if (type == Type.DECIMAL) {
            words = range.max() == null ? "a finite number " + range.words() : range.words();
        } else if (!aboveMin) {
            words = new Range(range.min(), range.minInclusive(), null, false).words();
        } else {
            words = new Range(null, false, range.max(), range.maxInclusive()).words();
        }
        return Optional.of(invalid(shown, "must be " + words));
    }

    /** The default as a value of the record's type; only for fields that have one (else IllegalStateException). */
    public int intDefault() {
        return Integer.parseInt(requireDefault());
    }

    public long longDefault() {
        return Long.parseLong(requireDefault());
    }

    public double decimalDefault() {
        return Double.parseDouble(requireDefault());
    }

    public Duration durationDefault() {
        return PolicyDefaults.duration(requireDefault());
    }

    public boolean flagDefault() {
        return Boolean.parseBoolean(requireDefault());
    }

    public String textDefault() {
        return requireDefault();
    }

    /** The enum constant whose user spelling is the default: {@code drain} → {@link Mode#DRAIN}. */
    public <E extends Enum<E>> E choiceDefault(Class<E> type) {
        return Enum.valueOf(type, requireDefault().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
    }

    /**
     * POLICY.md's settings table, generated: a test fails when the file's table differs from this text (its failure
     * message carries the table to paste).
     */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| Field | Default | Meaning | Rule |\n|---|---|---|---|\n");
        for (PolicyField f : values()) {
            String rule = f.type == Type.CHOICE ? String.join(", ", f.choices) : f.range.doc();
            if (!f.crossRule.isEmpty()) {
                rule = rule.isEmpty() ? f.crossRule : rule + ", " + f.crossRule;
            }
            sb.append("| `").append(f.yamlName).append("` | ").append(f.docDefault()).append(" | ").append(f.doc)
                    .append(" |").append(rule.isEmpty() ? "" : " " + rule).append(" |\n");
        }
        return sb.toString();
    }

    private String docDefault() {
        if (defaultText == null) {
            return "unset";
        }
        if (type == Type.TEXT && defaultText.isEmpty()) {
            return "empty";
        }
        return type == Type.CHOICE ? "`" + defaultText + "`" : defaultText;
    }

    private String requireDefault() {
        if (defaultText == null) {
            throw new IllegalStateException(yamlName + " has no default");
        }
        return defaultText;
    }

    private String invalid(Object value, String rule) {
        return "Invalid value " + value + " for " + yamlName + ": " + rule;
    }

    /** Whether {@code d} is on the allowed side of {@code bound}: {@code side} 1 above a minimum, -1 below a maximum. */
    private static boolean compare(Duration d, Duration bound, boolean inclusive, int side) {
        int c = Integer.signum(d.compareTo(bound));
        return c == side || (inclusive && c == 0);
    }

    private static boolean compare(double x, double bound, boolean inclusive, int side) {
        int c = Integer.signum(Double.compare(x, bound));
        // NaN compares above everything with Double.compare: refuse it on both sides.
        return !Double.isNaN(x) && (c == side || (inclusive && c == 0));
    }

    private static Integer unset(OptionalInt v) {
        return v.isPresent() ? v.getAsInt() : null;
    }

    private static List<String> choices(Enum<?>... values) {
        return Arrays.stream(values).map(e -> camel(e.name())).toList();
    }

    /** {@code CURRENT_REPLICAS} → {@code currentReplicas}, {@code DRAIN} → {@code drain}. */
    private static String camel(String constant) {
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char c : constant.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }
}
