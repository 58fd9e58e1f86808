package dev.ebb.scaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The declaration covers every setting of the record, and the record's defaults and rules are the declaration's. */
class PolicyFieldTest {

    @Test
    void everyRecordComponentIsDeclared() {
        for (RecordComponent c : PolicySpec.class.getRecordComponents()) {
            if (c.getName().equals("fallback")) {
                assertThat(PolicyField.named("fallback.replicas")).isPresent();
                assertThat(PolicyField.named("fallback.failureThreshold")).isPresent();
                assertThat(PolicyField.named("fallback.behavior")).isPresent();
            } else {
                assertThat(PolicyField.named(c.getName())).as("declared: " + c.getName()).isPresent();
            }
        }
    }

    @Test
    void theRecordsDefaultsAreTheDeclaredOnes() {
        PolicySpec defaults = PolicySpec.defaults();
        for (PolicyField f : PolicyField.values()) {
            Object value = f.valueIn(defaults);
            if (f.yamlName().startsWith("fallback.")) {
                assertThat(value).as(f.yamlName() + ": no fallback by default").isNull();
                continue;
            }
            if (f == PolicyField.SCALE_DOWN_WINDOW) {
                continue; // a default per mode: scaleDownWindowDefaultsPerMode
            }
            if (f.defaultText().isEmpty()) {
                assertThat(value).as(f.yamlName() + " is unset by default").isNull();
                continue;
            }
            String text = f.defaultText().get();
            Object expected = switch (f.type()) {
                case COUNT -> Integer.parseInt(text);
                case NUMBER -> Long.parseLong(text);
                case DECIMAL -> Double.parseDouble(text);
                case DURATION -> PolicyDefaults.duration(text);
                case FLAG -> Boolean.parseBoolean(text);
                case TEXT -> text;
                case CHOICE -> f.choices().get(f.choices().indexOf(text));
            };
            Object actual = f.type() == PolicyField.Type.CHOICE ? camel(((Enum<?>) value).name()) : value;
            assertThat(actual).as("default of " + f.yamlName()).isEqualTo(expected);
        }
        assertThat(defaults.validate()).isEmpty();
    }

    @Test
    void scaleDownWindowDefaultsPerMode() {
        assertThat(PolicySpec.builder().mode(Mode.DRAIN).build().scaleDownWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(PolicySpec.builder().mode(Mode.THRESHOLD).build().scaleDownWindow())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(PolicySpec.defaults().scaleDownWindow()).as("drain is the default mode")
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(PolicySpec.builder().mode(Mode.THRESHOLD).scaleDownWindow(Duration.ofSeconds(5)).build()
                .scaleDownWindow()).as("a window the user sets wins in either mode").isEqualTo(Duration.ofSeconds(5));
        assertThat(PolicySpec.builder().mode(Mode.DRAIN).scaleDownWindow(Duration.ZERO).build().scaleDownWindow())
                .isEqualTo(Duration.ZERO);
        assertThat(PolicyField.SCALE_DOWN_WINDOW.doc()).contains("`10s` in drain mode").contains("`30s` in threshold");
    }

    @Test
    void choicesAreEveryConstantOfTheirEnumInTheUsersSpelling() {
        assertThat(PolicyField.MODE.choices()).containsExactly("drain", "threshold");
        assertThat(PolicyField.MODE.choices()).hasSize(Mode.values().length);
        assertThat(PolicyField.GROUP_KIND.choices()).containsExactly("consumer", "share")
                .hasSize(GroupKind.values().length);
        assertThat(PolicyField.OFFSET_RESET_POLICY.choices()).containsExactly("latest", "earliest")
                .hasSize(OffsetResetPolicy.values().length);
        assertThat(PolicyField.FALLBACK_BEHAVIOR.choices()).containsExactlyElementsOf(
                Arrays.stream(FallbackBehavior.values()).map(FallbackBehavior::yamlName).toList());
    }

    @Test
    void upperBoundsAreCheckedByTheSpecItself() {
        PolicySpec spec = PolicySpec.builder().maxReplicas(20_000).cooldown(Duration.ofHours(48))
                .scaleUpMaxStep(10_001).fallback(Fallback.of(10_001, 2)).build();
        assertThat(spec.validate()).containsExactlyInAnyOrder(
                "Invalid value 20000 for maxReplicas: must be <= 10000",
                "Invalid value 48h for cooldown: must be <= 24h",
                "Invalid value 10001 for scaleUpMaxStep: must be <= 10000",
                "Invalid value 10001 for fallback.failureThreshold: must be <= 10000");
    }

    @Test
    void boundsAreInclusiveOrExclusiveAsDeclared() {
        assertThat(PolicySpec.builder().maxReplicas(10_000).rebalanceGrace(Duration.ofHours(24)).cooldown(Duration.ZERO)
                .tolerance(0).build().validate()).isEmpty();
        assertThat(PolicySpec.builder().drainWithin(Duration.ofMillis(1)).staleAfter(Duration.ofHours(24)).build()
                .validate()).isEmpty();
        assertThat(PolicySpec.builder().perReplicaRate(Double.POSITIVE_INFINITY).build().validate())
                .containsExactly("Invalid value Infinity for perReplicaRate: must be a finite number > 0");
        assertThat(PolicySpec.builder().tolerance(-0.1).build().validate())
                .containsExactly("Invalid value -0.1 for tolerance: must be >= 0 and < 1");
    }

    @Test
    void aRuleBetweenFieldsIsReportedOnlyWhenBothFieldsAreInRange() {
        // maxReplicas 0 is out of range: "must be >= minReplicas" would be noise.
        assertThat(PolicySpec.builder().minReplicas(2).maxReplicas(0).build().validate())
                .containsExactly("Invalid value 0 for maxReplicas: must be >= 1");
    }

    @Test
    void modeSpecIsTheActiveModesSettings() {
        PolicySpec drain = PolicySpec.builder().drainWithin(Duration.ofSeconds(20)).perReplicaRate(50)
                .maxTimeLag(Duration.ofMinutes(1)).lagThreshold(99).build();
        assertThat(drain.modeSpec()).isEqualTo(new ModeSpec.Drain(Duration.ofSeconds(20), 50,
                Optional.of(Duration.ofMinutes(1))));
        PolicySpec threshold = drain.toBuilder().mode(Mode.THRESHOLD).allowIdleConsumers(true)
                .partitionLimitation("1-3").build();
        assertThat(threshold.modeSpec()).isEqualTo(new ModeSpec.Threshold(99, true, false, false, false, "1-3",
                false));
        assertThat(threshold.modeSpec().mode()).isEqualTo(Mode.THRESHOLD);
    }

    @Test
    void builderSetsAModeWithItsSettings() {
        PolicySpec spec = PolicySpec.builder()
                .modeSpec(new ModeSpec.Threshold(25, false, true, false, true, "", true)).build();
        assertThat(spec.mode()).isEqualTo(Mode.THRESHOLD);
        assertThat(spec.lagThreshold()).isEqualTo(25);
        assertThat(spec.excludePersistentLag()).isTrue();
        assertThat(spec.limitToPartitionsWithLag()).isTrue();
        assertThat(spec.ensureEvenDistributionOfPartitions()).isTrue();
        // The other mode's settings stay as they were: switching back loses nothing.
        assertThat(spec.drainWithin()).isEqualTo(PolicySpec.defaults().drainWithin());
        PolicySpec back = spec.toBuilder().modeSpec(new ModeSpec.Drain(Duration.ofSeconds(5), 10, null)).build();
        assertThat(back.mode()).isEqualTo(Mode.DRAIN);
        assertThat(back.maxTimeLag()).isEmpty();
        assertThat(back.lagThreshold()).isEqualTo(25);
    }

    @Test
    void markdownTableHasOneRowPerDeclaredField() {
        String table = PolicyField.markdownTable();
        assertThat(table.lines().count()).isEqualTo(PolicyField.values().length + 2);
        assertThat(table).contains("| `maxReplicas` | 10 | Highest count, always. | 1..10000, >= minReplicas |")
                .contains("| `maxTimeLag` | unset |")
                .contains("| `tolerance` | 0.1 | Relative difference between need and current count that is ignored. "
                        + "| >= 0, < 1 |")
                .contains("| `mode` | `drain` |");
    }

    private static String camel(String constant) {
        String[] parts = constant.toLowerCase(Locale.ROOT).split("_");
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            sb.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        return sb.toString();
    }

}
