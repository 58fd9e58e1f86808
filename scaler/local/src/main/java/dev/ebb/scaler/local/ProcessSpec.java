package dev.ebb.scaler.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to start one worker process of a local pool.
 *
 * @param command program and arguments, e.g. {@code [java, -cp, ..., dev.ebb.function.example.OrderEnricher]}
 * @param environment added to the scaler's environment; {@code {index}} in a value becomes the worker's number;
 *     every worker also gets {@code EBB_WORKER_INDEX}
 * @param workingDirectory empty: the scaler's working directory
 * @param logDirectory empty: worker output is discarded; else {@code <name>-<index>.log} files there
 */
public record ProcessSpec(List<String> command, Map<String, String> environment, Optional<Path> workingDirectory,
                          Optional<Path> logDirectory) {
    public ProcessSpec {
        if (command == null || command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("Invalid value " + command + " for command: must name a program");
        }
        command = List.copyOf(command);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        workingDirectory = workingDirectory == null ? Optional.empty() : workingDirectory;
        logDirectory = logDirectory == null ? Optional.empty() : logDirectory;
    }

    public static ProcessSpec of(List<String> command, Map<String, String> environment) {
        return new ProcessSpec(command, environment, Optional.empty(), Optional.empty());
    }

    public ProcessSpec withLogDirectory(Path directory) {
        return new ProcessSpec(command, environment, workingDirectory, Optional.of(directory));
    }
}
