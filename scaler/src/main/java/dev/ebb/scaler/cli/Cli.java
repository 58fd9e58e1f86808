package dev.ebb.scaler.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The conventions every {@code ebb} command shares, on picocli: {@code --flag value} and {@code --flag=value},
 * {@code -h/--help} and {@code -V/--version} (exit 0), every usage problem reported at once (exit 2), a failure in
 * one line without a stack trace (exit 1), Ctrl-C (exit 130).
 *
 * <p>A command is a picocli {@code @Command} class whose {@code @Option} fields hold what was typed (picocli handles
 * the syntax: names, values, repeats), and a check that turns those into the command's options record, throwing
 * {@link IllegalArgumentException} with every problem, one per line, in the form
 * {@code Invalid value 'x' for --flag: must be ...}.
 */
public final class Cli {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int INTERRUPTED = 130;

    /** The work of a command once its options are valid; returns the exit code. */
    @FunctionalInterface
    public interface Body<O> {
        int execute(O options) throws Exception;
    }

    /** {@code --help} or {@code --version} was given: {@link #text()} goes to standard output, exit 0. */
    public static final class Shown extends RuntimeException {
        private final String text;

        Shown(String text) {
            super("help", null, false, false);
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private Cli() {
    }

    /**
     * Parses {@code args} into {@code spec} (an {@code @Command} object), then {@code check}s it.
     *
     * @throws Shown for {@code --help} or {@code --version}
     * @throws IllegalArgumentException naming every problem, one per line: unknown options with the check's own
     */
    public static <S, O> O parse(S spec, String[] args, Function<S, O> check) {
        CommandLine line = commandLine(spec);
        ParseResult parsed;
        try {
            parsed = line.parseArgs(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (parsed.isUsageHelpRequested()) {
            throw new Shown(line.getUsageMessage(CommandLine.Help.Ansi.OFF));
        }
        if (parsed.isVersionHelpRequested()) {
            StringWriter text = new StringWriter();
            line.printVersionHelp(new PrintWriter(text), CommandLine.Help.Ansi.OFF);
            throw new Shown(text.toString());
        }
        List<String> problems = new ArrayList<>();
        for (Exception e : parsed.errors()) {
            problems.add(e.getMessage());
        }
        for (String arg : parsed.unmatched()) {
            problems.add(arg.startsWith("-") && arg.length() > 1 ? "Unknown option " + arg.split("=", 2)[0]
                    : "Unexpected argument '" + arg + "'");
        }
        O options = null;
        try {
            options = check.apply(spec);
        } catch (IllegalArgumentException e) {
            problems.addAll(e.getMessage().lines().toList());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return options;
    }

    /**
     * Runs a command: parses with {@code parser} (usually a {@link #parse} call), prints help or version, reports
     * usage problems as {@code ebb COMMAND: problem} lines, then runs {@code body} and turns what it throws into an
     * exit code and one line on {@code err}.
     */
    public static <O> int run(String command, String[] args, PrintStream out, PrintStream err,
                              Function<String[], O> parser, Body<O> body) {
        O options;
        try {
            options = parser.apply(args);
        } catch (Shown shown) {
            out.print(shown.text());
            out.flush();
            return OK;
        } catch (IllegalArgumentException e) {
            usage(command, e.getMessage(), err);
            return USAGE;
        }
        try {
            return body.execute(options);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(("ebb " + command).trim() + " interrupted");
            return INTERRUPTED;
        } catch (Exception e) {
            err.println(("ebb " + command).trim() + " failed: " + e);
            return FAILED;
        }
    }

    /**
     * Prints each problem as {@code ebb COMMAND: problem}, then where the options are described. An empty
     * {@code command} is the launcher itself.
     */
    public static void usage(String command, String problems, PrintStream err) {
        String who = command.isEmpty() ? "ebb" : "ebb " + command;
        for (String problem : problems.split("\n")) {
            err.println(who + ": " + printable(problem));
        }
        err.println("Run '" + who + " --help' for usage.");
    }

    /** Control characters a user typed (or pasted) are shown escaped: they cannot rewrite the terminal. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    /** The version of this build, as {@code --version} prints it. */
    public static String version() {
        try (InputStream in = Cli.class.getResourceAsStream("ebb-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "");
            return v.isBlank() || v.startsWith("$") ? "(development build)" : v;
        } catch (IOException e) {
            return "(unknown)";
        }
    }

    static CommandLine commandLine(Object spec) {
        CommandLine line = new CommandLine(spec);
        CommandSpec command = line.getCommandSpec();
        command.mixinStandardHelpOptions(true);
        command.versionProvider(() -> new String[] {command.name() + " " + version()});
        command.usageMessage().sortOptions(false).width(110).abbreviateSynopsis(false);
        line.setUnmatchedArgumentsAllowed(true);
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.setOverwrittenOptionsAllowed(true);
        // A value picocli cannot convert is reported with the other problems, not alone.
        command.parser().collectErrors(true);
        return line;
    }
}
