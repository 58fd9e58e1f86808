package dev.ebb.function.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Worker JVMs started from the test classpath; {@link #close()} makes sure none outlives the test. */
final class WorkerProcesses implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final Path logs;

  WorkerProcesses() throws IOException {
    // Next to the test classes, i.e. in this build's output folder (target/ or target-NAME/).
    Path classes;
    try {
      classes = Path.of(WorkerProcesses.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IOException(e);
    }
    logs = Files.createDirectories(classes.getParent().resolve("worker-logs"));
  }

  Process start(String name, Map<String, String> env) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), WorkerProcessMain.class.getName());
    pb.environment().keySet().removeIf(k -> k.startsWith("EBB_"));
    pb.environment().putAll(env);
    File log = logs.resolve(name + ".log").toFile();
    pb.redirectErrorStream(true).redirectOutput(log);
    Process p = pb.start();
    synchronized (processes) {
      processes.add(p);
    }
    return p;
  }

  /** The output (stdout and stderr) of the worker started as {@code name}. */
  Path log(String name) {
    return logs.resolve(name + ".log");
  }

  @Override
  public void close() throws InterruptedException {
    synchronized (processes) {
      for (Process p : processes) {
        p.destroyForcibly();
      }
      for (Process p : processes) {
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
