package dev.ebb.scaler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** KEDA's {@code partitionLimitation} format, with the cases of KEDA's {@code TestKafkaParsePartitionLimitation}. */
class PartitionLimitationTest {

    record Parses(String text, List<Integer> included, List<Integer> excluded) {
        @Override
        public String toString() {
            return "'" + text + "'";
        }
    }

    static Stream<Parses> valid() {
        return Stream.of(
                new Parses("", List.of(0, 1, 99), List.of()),
                new Parses("1,2,3,4", List.of(1, 2, 3, 4), List.of(0, 5)),
                new Parses("1-4,8,10-12", List.of(1, 2, 3, 4, 8, 10, 11, 12), List.of(0, 5, 9, 13)),
                new Parses(" 1 - 3 , 7 ", List.of(1, 2, 3, 7), List.of(4, 6)),
                new Parses("0", List.of(0), List.of(1)),
                new Parses("5-5", List.of(5), List.of(4, 6)),
                new Parses("0-1000000", List.of(0, 1000000), List.of(1000001)));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void includesExactlyTheListedPartitions(Parses c) {
        PartitionLimitation limitation = PartitionLimitation.parse(c.text());
        assertThat(c.included()).allSatisfy(p -> assertThat(limitation.includes(p)).as("partition %d", p).isTrue());
        assertThat(c.excluded()).allSatisfy(p -> assertThat(limitation.includes(p)).as("partition %d", p).isFalse());
        assertThat(PartitionLimitation.problems(c.text())).isEmpty();
    }

    static Stream<String> invalid() {
        return Stream.of("a", "1,a", "1-", "-1", "3-1", "1,,2", "1-2-3", "1.5", "9999999999");
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsMalformedListsNamingTheToken(String text) {
        assertThat(PartitionLimitation.problems(text)).isNotEmpty()
                .allSatisfy(p -> assertThat(p).startsWith("Invalid value '").contains("for partitionLimitation"));
        assertThatThrownBy(() -> PartitionLimitation.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partitionLimitation");
    }
}
