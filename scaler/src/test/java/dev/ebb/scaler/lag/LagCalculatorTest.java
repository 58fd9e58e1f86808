package dev.ebb.scaler.lag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.policy.OffsetResetPolicy;
import dev.ebb.scaler.policy.PartitionLag;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LagCalculatorTest {

    record Case(String name, long end, long logStart, OptionalLong committed, OffsetResetPolicy reset, long expectedLag) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("committed in the middle", 100, 0, OptionalLong.of(40), OffsetResetPolicy.LATEST, 60),
                new Case("committed at the end", 100, 0, OptionalLong.of(100), OffsetResetPolicy.LATEST, 0),
                new Case("reset policy ignored once committed", 100, 0, OptionalLong.of(40), OffsetResetPolicy.EARLIEST, 60),
                new Case("no commit, latest", 100, 10, OptionalLong.empty(), OffsetResetPolicy.LATEST, 0),
                new Case("no commit, earliest counts from log start", 100, 10, OptionalLong.empty(),
                        OffsetResetPolicy.EARLIEST, 90),
                new Case("deleted records below the commit do not matter", 100, 30, OptionalLong.of(40),
                        OffsetResetPolicy.LATEST, 60),
                new Case("deleted records above the commit are not backlog", 100, 70, OptionalLong.of(40),
                        OffsetResetPolicy.LATEST, 30),
                new Case("everything deleted", 100, 100, OptionalLong.of(40), OffsetResetPolicy.LATEST, 0),
                new Case("commit beyond the end is never negative", 100, 0, OptionalLong.of(150),
                        OffsetResetPolicy.LATEST, 0),
                new Case("empty partition, earliest", 0, 0, OptionalLong.empty(), OffsetResetPolicy.EARLIEST, 0),
                new Case("unknown end offset (-1) is never negative", -1, 0, OptionalLong.of(5),
                        OffsetResetPolicy.EARLIEST, 0),
                new Case("negative committed offset means no commit", 100, 20, OptionalLong.of(-1),
                        OffsetResetPolicy.EARLIEST, 80));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void computesPartitionLag(Case c) {
        assertThat(LagCalculator.lag(c.end(), c.logStart(), c.committed(), c.reset())).isEqualTo(c.expectedLag());
    }

    @Test
    void partitionValueCarriesRawOffsetsAndLag() {
        PartitionLag p = LagCalculator.partition("orders", 3, 100, 70, OptionalLong.of(40), OffsetResetPolicy.LATEST);

        assertThat(p.topic()).isEqualTo("orders");
        assertThat(p.partition()).isEqualTo(3);
        assertThat(p.endOffset()).isEqualTo(100);
        assertThat(p.logStartOffset()).isEqualTo(70);
        assertThat(p.committedOffset()).hasValue(40);
        assertThat(p.lag()).isEqualTo(30);
    }

    @Test
    void shareGroupPrefersTheLagTheBrokerReports() {
        assertThat(LagCalculator.shareLag(100, 0, OptionalLong.of(40), Optional.of(25L), OffsetResetPolicy.LATEST))
                .isEqualTo(25);
    }

    @Test
    void shareGroupFallsBackToEndMinusStartOffset() {
        assertThat(LagCalculator.shareLag(100, 50, OptionalLong.of(40), Optional.empty(), OffsetResetPolicy.LATEST))
                .isEqualTo(50);
        assertThat(LagCalculator.shareLag(100, 0, OptionalLong.of(40), Optional.of(-1L), OffsetResetPolicy.LATEST))
                .isEqualTo(60);
    }

    @Test
    void uninitializedSharePartitionFollowsResetPolicy() {
        assertThat(LagCalculator.shareLag(100, 10, OptionalLong.empty(), Optional.empty(), OffsetResetPolicy.LATEST))
                .isZero();
        assertThat(LagCalculator.shareLag(100, 10, OptionalLong.empty(), Optional.empty(), OffsetResetPolicy.EARLIEST))
                .isEqualTo(90);
    }
}
