package dev.ebb.scaler.keda;

import dev.ebb.scaler.cli.Cli;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ebb import-keda FILE...}: KEDA ScaledObjects with kafka triggers in, ScaledWorkloads (threshold mode) out,
 * with every field that did not carry over named on stderr and as comments above the resource.
 */
public final class ImportKedaCommand {

    @Command(name = "ebb import-keda", description = {"Reads KEDA ScaledObjects with kafka triggers, and the "
        + "TriggerAuthentications they name, from FILEs (YAML or JSON as kubectl takes them; '-' reads standard "
        + "input) and writes equivalent ScaledWorkloads in threshold mode with the same parameters. What could not be "
        + "carried over is named per field, with the reason, on stderr and as comments above each ScaledWorkload. "
        + "Secrets are never read: the TriggerAuthentication's Secret references become spec.kafka.authentication, "
        + "naming the same Secrets and keys (SASL username/password, TLS CA, client certificate and key).", ""},
            footer = {"", "Exit status: 0 every ScaledObject converted; 1 one could not be converted or a file could "
                + "not be read (the others are still written); 2 usage error."})
    static final class Spec {
        @Parameters(paramLabel = "FILE", arity = "0..*", description = "a KEDA manifest, or '-' for standard input")
        List<String> files = new ArrayList<>();
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the ScaledWorkloads to FILE "
                + "(default: standard output)")
        String output;
        @Option(names = "--sasl", paramLabel = "MODE", description = "the trigger's sasl mode where KEDA reads it from "
                + "a Secret: none, plaintext, scram_sha256, scram_sha512, oauthbearer or gssapi")
        String sasl;
        @Option(names = "--tls", paramLabel = "MODE", description = "the trigger's tls mode where KEDA reads it from "
                + "a Secret: enable or disable")
        String tls;

        Spec check() {
            List<String> problems = new ArrayList<>();
            if (sasl != null && !SASL_MODES.contains(sasl)) {
                problems.add("Invalid value '" + KedaImporter.printable(sasl) + "' for --sasl: must be one of "
                        + String.join(", ", SASL_MODES.stream().sorted().toList()));
            }
            if (tls != null && !tls.equals("enable") && !tls.equals("disable")) {
                problems.add("Invalid value '" + KedaImporter.printable(tls) + "' for --tls: must be enable or "
                        + "disable");
            }
            if (files.isEmpty()) {
                problems.add("no FILE given (a KEDA manifest, or '-' for standard input)");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", problems));
            }
            return this;
        }
    }

    private static final Set<String> SASL_MODES = Set.of("none", "plaintext", "scram_sha256", "scram_sha512",
            "oauthbearer", "gssapi");

    private ImportKedaCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.in, System.out, System.err);
    }

    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        return Cli.run("import-keda", args, out, err, a -> Cli.parse(new Spec(), a, Spec::check),
                spec -> convert(spec, stdin, out, err));
    }

    private static int convert(Spec spec, InputStream stdin, PrintStream out, PrintStream err) {
        List<String> files = spec.files;
        String output = spec.output;
        String sasl = spec.sasl;
        String tls = spec.tls;
        Map<String, String> sources = new LinkedHashMap<>();
        boolean unreadable = false;
        for (String f : files) {
            try {
                sources.put(f.equals("-") ? "<stdin>" : f, f.equals("-")
                        ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(Path.of(f)));
            } catch (IOException | RuntimeException e) {
                err.println("ebb import-keda: cannot read " + KedaImporter.printable(f) + ": " + e.getMessage());
                unreadable = true;
            }
        }
        KedaImporter.Result result = new KedaImporter(new KedaImporter.Overrides(sasl, tls)).convert(sources);
        String yaml = render(result);
        if (output == null) {
            out.print(yaml);
            out.flush();
        } else {
            try {
                Files.writeString(Path.of(output), yaml);
            } catch (IOException e) {
                err.println("ebb import-keda: cannot write " + KedaImporter.printable(output) + ": " + e.getMessage());
                return 1;
            }
        }
        report(result, err);
        return unreadable || !result.failed().isEmpty() || !result.problems().isEmpty() ? 1 : 0;
    }

    /** The ScaledWorkloads as one multi-document YAML, each preceded by comments on what did not carry over. */
    static String render(KedaImporter.Result result) {
        StringBuilder sb = new StringBuilder();
        for (KedaImporter.Imported i : result.imported()) {
            sb.append("---\n");
            sb.append("# Converted by ebb import-keda from ").append(i.source()).append('\n');
            if (!i.notCarried().isEmpty()) {
                sb.append("# NOT carried over:\n");
                i.notCarried().forEach(n -> comment(sb, "  - " + n));
            }
            if (!i.secretSteps().isEmpty()) {
                sb.append("# Kafka credentials:\n");
                i.secretSteps().forEach(s -> comment(sb, "  " + s));
            }
            if (!i.remarks().isEmpty()) {
                sb.append("# Carried with a difference, or not needed:\n");
                i.remarks().forEach(n -> comment(sb, "  - " + n));
            }
            String body = Serialization.asYaml(i.workload());
            if (body.startsWith("---\n")) {
                body = body.substring(4);
            }
            sb.append(body);
            if (!body.endsWith("\n")) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static void comment(StringBuilder sb, String text) {
        // Every line of a comment starts with '#': text from the input never becomes YAML.
        text.lines().forEach(l -> sb.append("# ").append(KedaImporter.oneLine(l)).append('\n'));
    }

    static void report(KedaImporter.Result result, PrintStream err) {
        result.problems().forEach(p -> err.println("ebb import-keda: " + p));
        for (KedaImporter.Imported i : result.imported()) {
            i.notCarried().forEach(n -> err.println("ebb import-keda: " + i.source() + ": not carried over: " + n));
            if (!i.secretSteps().isEmpty()) {
                err.println("ebb import-keda: " + i.source() + ": before applying, follow the Kafka credentials "
                        + "steps in the comments above the ScaledWorkload (Secret access for the scaler)");
            }
        }
        for (KedaImporter.Failed f : result.failed()) {
            f.problems().forEach(p -> err.println("ebb import-keda: " + f.source() + " NOT converted: " + p));
        }
        result.skipped().forEach(s -> err.println("ebb import-keda: " + s));
        err.println("ebb import-keda: " + result.imported().size() + " ScaledObject(s) converted, "
                + result.failed().size() + " not converted");
    }
}
