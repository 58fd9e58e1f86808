package dev.ebb.scaler.keda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.local.ScaledWorkloadFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportKedaCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        return ImportKedaCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void writesScaledWorkloadsToAFileAndNamesWhatDidNotCarryOnStderr(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("keda.yaml");
        Files.writeString(in, KedaImporterTest.resource("orders-sasl.yaml"));
        Path result = dir.resolve("ebb.yaml");

        int code = run("", "--sasl", "scram_sha512", "--tls", "enable", "-o", result.toString(), in.toString());

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        String yaml = Files.readString(result);
        assertThat(yaml).contains("# NOT carried over:").contains("#   - spec.triggers[2]: trigger type 'cpu'")
                .contains("# Kafka credentials:")
                .contains("#   grant the scaler 'get' on the Secret(s) keda-kafka-secrets in namespace shop")
                .contains("authentication:").contains("mechanism: \"SCRAM-SHA-512\"")
                .contains("passwordKey: \"password\"").contains("caKey: \"ca\"")
                .doesNotContain("create secret").doesNotContain("securitySecretRef");
        assertThat(ScaledWorkloadFile.parse(yaml, "ebb.yaml").workloads()).hasSize(1);
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(stderr).contains("ScaledObject shop/orders-consumer").contains("not carried over: "
                + "spec.triggers[2]: trigger type 'cpu'")
                .contains("before applying, follow the Kafka credentials steps")
                .contains("1 ScaledObject(s) converted, 0 not converted");
    }

    @Test
    void readsStandardInputAndExitsOneWhenAScaledObjectCannotBeConverted() {
        int code = run(KedaImporterTest.resource("invalid.yaml"), "-");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("name: \"injected-type\"").doesNotContain("broken");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("ScaledObject shop/broken (<stdin> document 1) NOT converted: Invalid value '-5' for "
                        + "spec.triggers[0].metadata.lagThreshold: must be an integer >= 1")
                .contains("1 ScaledObject(s) converted, 3 not converted");
    }

    @Test
    void refusesBadUsage() {
        assertThat(run("")).isEqualTo(2);
        assertThat(run("", "--sasl", "md5", "x.yaml")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid value 'md5' for --sasl: must be one of");
        assertThat(run("", "--frobnicate", "x.yaml")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("ebb import-keda: Unknown option --frobnicate");
        assertThat(run("", "--tls=\u001b[2Jon", "x.yaml")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("for --tls: must be enable or disable")
                .doesNotContain("\u001b");
        assertThat(run("", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: ebb import-keda", "-o, --output=FILE");
        out.reset();
        assertThat(run("", "--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("ebb import-keda ");
    }

    @Test
    void takesOutputEqualsFileAndStandardInput(@TempDir Path dir) throws Exception {
        Path result = dir.resolve("out.yaml");
        int code = run(KedaImporterTest.resource("payments-inline.yaml"), "--output=" + result, "--sasl=none", "-");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(Files.readString(result)).contains("kind: \"ScaledWorkload\"");
    }

    @Test
    void aMissingFileIsReportedAndTheOthersStillConverted(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("payments.yaml");
        Files.writeString(in, KedaImporterTest.resource("payments-inline.yaml"));

        int code = run("", dir.resolve("nope.yaml").toString(), in.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read " + dir.resolve("nope.yaml"));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("name: \"payments\"");
    }
}
