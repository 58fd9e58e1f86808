package dev.ebb.bench.scale;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The mock API server's child JVM. */
final class MockApi implements AutoCloseable {
    private final Process process;
    private final BufferedReader in;
    private final Writer toChild;
    private final String url;
    private final Path log;

    private MockApi(Process process, Path log) throws IOException {
        this.process = process;
        this.log = log;
        this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.toChild = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String line;
        String found = null;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("url ")) {
                found = line.substring(4).trim();
                break;
            }
        }
        if (found == null) {
            throw new IOException("the mock API server exited before it was up");
        }
        this.url = found;
    }

    static MockApi start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx4g", "-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError",
                "-Debb.log.level=warn", "-cp", System.getProperty("java.class.path"),
                MockApiServer.class.getName());
        Path log = Files.createTempFile("ebb-bench-scale-mock-api-", ".log");
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new MockApi(pb.start(), log);
    }

    String url() {
        return url;
    }

    synchronized Map<RequestKind, Long> stats() throws IOException {
        toChild.write("stats\n");
        toChild.flush();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("stats ")) {
                return parseStats(line.substring(6));
            }
        }
        throw new IOException("the mock API server stopped answering (its log: " + log + ")");
    }

    @Override
    public void close() throws Exception {
        toChild.close();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    static Map<RequestKind, Long> parseStats(String text) {
        Map<RequestKind, Long> counts = new EnumMap<>(RequestKind.class);
        for (String part : text.trim().split(",")) {
            String[] kv = part.split("=");
            if (kv.length == 2) {
                counts.put(RequestKind.valueOf(kv[0].trim()), Long.parseLong(kv[1].trim()));
            }
        }
        return counts;
    }
}
