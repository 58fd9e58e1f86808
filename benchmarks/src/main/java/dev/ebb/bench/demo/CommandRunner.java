package dev.ebb.bench.demo;

import dev.ebb.scaler.cli.Cli;
import java.io.PrintStream;
import java.util.function.Function;

/**
 * The shape every demo and benchmark command shares: {@link Cli#run} (help, version, usage errors with exit 2,
 * failures with 1, Ctrl-C with 130) with the client logs quieted before the work starts.
 */
public final class CommandRunner {

    /** Runs the command and returns its exit code. */
    @FunctionalInterface
    public interface Body<O> {
        int execute(O options, PrintStream out) throws Exception;
    }

    private CommandRunner() {
    }

    public static <O> int run(String command, String[] args, PrintStream out, PrintStream err,
                              Function<String[], O> parser, Body<O> body) {
        return Cli.run(command, args, out, err, parser, options -> {
            DemoCommand.quietLogs();
            return body.execute(options, out);
        });
    }
}
