package dev.ebb.scaler.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.lag.GroupQuery.Isolation;
import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.policy.OffsetResetPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LagArgsTest {

    @Test
    void parsesEveryOption(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("client.properties");
        Files.writeString(config, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n");

        LagArgs args = LagArgs.parse(new String[] {"--bootstrap-server", "kafka:9092,kafka2:9093", "--group", "a",
            "--group=b", "--topic", "orders", "--isolation", "read_committed", "--reset", "earliest", "--watch",
            "--interval", "500ms", "--count", "3", "--output", "json", "--command-config", config.toString(),
            "--timeout", "2s"});

        assertThat(args.bootstrapServers()).isEqualTo("kafka:9092,kafka2:9093");
        assertThat(args.queries()).containsExactly(
                new GroupQuery("a", List.of("orders"), GroupKind.CONSUMER, Isolation.READ_COMMITTED,
                        OffsetResetPolicy.EARLIEST),
                new GroupQuery("b", List.of("orders"), GroupKind.CONSUMER, Isolation.READ_COMMITTED,
                        OffsetResetPolicy.EARLIEST));
        assertThat(args.mode()).isEqualTo(LagArgs.Mode.WATCH);
        assertThat(args.interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(args.count()).hasValue(3);
        assertThat(args.output()).isEqualTo(LagArgs.Output.JSON);
        assertThat(args.clientConfig()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN");
        assertThat(args.timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void defaultsToOnePollOfConsumerGroupsReadUncommittedResetLatest() throws Exception {
        LagArgs args = LagArgs.parse(new String[] {"--bootstrap-server", "localhost:9092", "--group", "g"});

        assertThat(args.mode()).isEqualTo(LagArgs.Mode.ONCE);
        assertThat(args.queries()).containsExactly(GroupQuery.consumerGroup("g", List.of()));
        assertThat(args.output()).isEqualTo(LagArgs.Output.TABLE);
        assertThat(args.timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void toStringHidesSecretClientSettings(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("client.properties");
        java.nio.file.Files.writeString(file, "security.protocol=SASL_SSL\nsasl.jaas.config=org.apache.kafka.common."
                + "security.scram.ScramLoginModule required username=\"a\" password=\"hunter2\";\n");
        LagArgs args = LagArgs.parse(new String[] {"--bootstrap-server", "k:9093", "--group", "g",
            "--command-config", file.toString()});
        assertThat(args.clientConfig()).containsKey("sasl.jaas.config");
        assertThat(args.toString()).doesNotContain("hunter2").contains("sasl.jaas.config=[hidden]",
                "security.protocol=SASL_SSL");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> LagArgs.parse(new String[] {"--bootstrap-server", "no-port", "--reset", "middle",
            "--interval", "-1s", "--output", "xml", "--frobnicate", "--command-config", "/does/not/exist"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid value 'no-port' for --bootstrap-server: must be HOST:PORT")
                .hasMessageContaining("Invalid value 'middle' for --reset: must be one of latest, earliest")
                .hasMessageContaining("Invalid value '-1s' for --interval: must be a positive duration")
                .hasMessageContaining("Invalid value 'xml' for --output: must be one of table, json")
                .hasMessageContaining("Unknown option --frobnicate")
                .hasMessageContaining("Invalid value '/does/not/exist' for --command-config: file not found")
                .hasMessageContaining("Missing --group GROUP")
                .hasMessageContaining("--interval needs --watch");
    }

    @Test
    void allGroupsAndListAreScopesThatExcludeGroup() {
        assertThat(LagArgs.parse(new String[] {"--bootstrap-server=k:9092", "--all-groups"}).scope())
                .isEqualTo(LagArgs.Scope.ALL_GROUPS);
        assertThat(LagArgs.parse(new String[] {"--bootstrap-server=k:9092", "--list", "--kind=share"}))
                .satisfies(a -> assertThat(a.scope()).isEqualTo(LagArgs.Scope.LIST))
                .satisfies(a -> assertThat(a.kind()).isEqualTo(GroupKind.SHARE));
        assertThatThrownBy(() -> LagArgs.parse(new String[] {"--bootstrap-server=k:9092", "--list", "--all-groups",
            "--group", "g"})).hasMessageContaining("--all-groups and --list cannot be combined")
                .hasMessageContaining("--group cannot be combined with --all-groups or --list");
    }

    @Test
    void unknownOptionExitsWithTwoAndVersionWithZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(LagCommand.run(new String[] {"--bootstrap-server=k:9092", "--group=g", "--frobnicate=1"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                        StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("ebb lag: Unknown option --frobnicate");
        assertThat(LagCommand.run(new String[] {"--version"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("ebb lag ");
    }

    @Test
    void rejectsAPortOutOfRange() {
        assertThatThrownBy(() -> LagArgs.parse(new String[] {"--bootstrap-server", "localhost:70000", "--group",
            "g"})).hasMessageContaining("with a port from 1 to 65535");
    }

    @Test
    void missingValueIsNamed() {
        assertThatThrownBy(() -> LagArgs.parse(new String[] {"--group", "--bootstrap-server", "localhost:1"}))
                .hasMessageContaining("'--group'");
    }

    @Test
    void badArgumentsExitWithTwoAndNoStackTrace() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = LagCommand.run(new String[] {"--group", "g"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("ebb lag: Missing --bootstrap-server HOST:PORT", "ebb lag --help")
                .doesNotContain("Exception", "\tat ");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int exit = LagCommand.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: ebb lag --bootstrap-server HOST:PORT")
                .contains("--watch", "--output=table|json", "Exit codes");
    }
}
