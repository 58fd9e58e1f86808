package dev.ebb.bench.demo;

import java.io.PrintStream;

/**
 * The shape every demo and benchmark command shares: parse (or print the usage), quiet the client logs, run, and
 * turn the outcome into the exit code: 0 done, 1 failed, 2 bad arguments, 130 interrupted.
 */
public final class CommandRunner {

    /** Parses the arguments; throws {@link DemoOptions.HelpRequested} or {@link IllegalArgumentException}. */
    @FunctionalInterface
    public interface Parser<O> {
        O parse(String[] args);
    }

    /** Runs the command and returns its exit code. */
    @FunctionalInterface
    public interface Body<O> {
        int execute(O options, PrintStream out) throws Exception;
    }

    private CommandRunner() {
    }

    public static <O> int run(String command, String usage, String[] args, PrintStream out, PrintStream err,
                              Parser<O> parser, Body<O> body) {
        O options;
        try {
            options = parser.parse(args);
        } catch (DemoOptions.HelpRequested e) {
            out.print(usage);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println("Run `ebb " + command + " --help` for the options.");
            return 2;
        }
        DemoCommand.quietLogs();
        try {
            return body.execute(options, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("ebb " + command + " interrupted");
            return 130;
        } catch (Exception e) {
            err.println("ebb " + command + " failed: " + e);
            return 1;
        }
    }
}
