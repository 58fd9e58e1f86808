package dev.ebb.scaler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.logging.LogFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScalerCommandTest {

    @Test
    void readsEveryOptionAndTakesTheIdentityFromThePod() {
        ScalerCommand.Options o = ScalerCommand.parse(new String[] {"--namespace", "shop", "--port", "9090",
            "--lease-name", "my-lease", "--lease-namespace", "ebb-system", "--tick", "500ms"},
                Map.of("POD_NAME", "ebb-scaler-7d9-abcde"));
        assertThat(o).isEqualTo(new ScalerCommand.Options("shop", 9090, "my-lease", "ebb-system",
                "ebb-scaler-7d9-abcde", Duration.ofMillis(500), "0.0.0.0", Optional.empty()));
    }

    @Test
    void takesFlagEqualsValueAsWellAsFlagSpaceValue() {
        ScalerCommand.Options o = ScalerCommand.parse(new String[] {"--namespace=shop", "--port=9090",
            "--tick=2s", "--log-format=json", "--identity", "me"}, Map.of());
        assertThat(o).isEqualTo(new ScalerCommand.Options("shop", 9090, "ebb-scaler", null, "me",
                Duration.ofSeconds(2), "0.0.0.0", Optional.of(LogFormat.JSON)));
    }

    @Test
    void printsTheVersionAndExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ScalerCommand.run(new String[] {"--version"}, Map.of(), print(out),
                print(new ByteArrayOutputStream()))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("ebb scaler ").doesNotContain("${");
    }

    @Test
    void refusesALogFormatItDoesNotKnow() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(ScalerCommand.run(new String[] {"--log-format", "xml", "--port", "-1"}, Map.of(),
                print(new ByteArrayOutputStream()), print(err))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(
                "ebb scaler: Invalid value 'xml' for --log-format: must be text or json",
                "ebb scaler: Invalid value -1 for --port", "Run 'ebb scaler --help' for usage.");
    }

    @Test
    void bindsTheHttpPortWhereTheOperatorSays() {
        assertThat(ScalerCommand.parse(new String[] {"--bind-address", "127.0.0.1"}, Map.of()).bindAddress())
                .isEqualTo("127.0.0.1");
        assertThat(ScalerCommand.parse(new String[] {}, Map.of("EBB_BIND_ADDRESS", "::")).bindAddress())
                .isEqualTo("::");
        assertThat(ScalerCommand.parse(new String[] {"--bind-address", "10.0.0.7"},
                Map.of("EBB_BIND_ADDRESS", "::")).bindAddress()).as("the flag wins").isEqualTo("10.0.0.7");
        assertThat(ScalerCommand.parse(new String[] {}, Map.of()).bindAddress()).isEqualTo("0.0.0.0");
        for (String bad : new String[] {"metrics.example.com", "256.1.1.1", "127.0.0.1:8080", ""}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(ScalerCommand.run(new String[] {"--bind-address", bad}, Map.of(),
                    print(new ByteArrayOutputStream()), print(err))).as(bad).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid value '" + bad
                    + "' for --bind-address: must be an IP address");
        }
    }

    @Test
    void printsHelpAndExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ScalerCommand.run(new String[] {"--help"}, Map.of(), print(out), print(new ByteArrayOutputStream()));
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: ebb scaler", "--lease-name");
    }

    @Test
    void rejectsBadArgumentsWithAClearMessageAndExitCodeTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(ScalerCommand.run(new String[] {"--port", "99999"}, Map.of(), print(new ByteArrayOutputStream()),
                print(err))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid value 99999 for --port: must be 0-65535");
        err.reset();
        assertThat(ScalerCommand.run(new String[] {"--tick", "soon"}, Map.of(), print(new ByteArrayOutputStream()),
                print(err))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid value 'soon' for --tick");
        err.reset();
        assertThat(ScalerCommand.run(new String[] {"--bogus"}, Map.of(), print(new ByteArrayOutputStream()),
                print(err))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option --bogus");
    }

    private static PrintStream print(ByteArrayOutputStream out) {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }
}
