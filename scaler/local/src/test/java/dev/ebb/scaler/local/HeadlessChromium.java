package dev.ebb.scaler.local;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** Debian's headless Chromium for page tests: a one-shot DOM dump, or a live page driven over DevTools. */
public final class HeadlessChromium {

    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable");

    private HeadlessChromium() {
    }

    /** Set (to anything but "0" or "false") where a missing browser must fail the build: CI sets it. */
    public static final String REQUIRE_ENV = "EBB_REQUIRE_BROWSER";

    /** The Chromium binary, if this machine has one. */
    public static java.util.Optional<Path> find() {
        String configured = System.getenv("EBB_CHROMIUM");
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return java.util.Optional.of(Path.of(configured));
        }
        for (String candidate : CANDIDATES) {
            if (Files.isExecutable(Path.of(candidate))) {
                return java.util.Optional.of(Path.of(candidate));
            }
        }
        return java.util.Optional.empty();
    }

    /** True where the environment demands the browser tests run (CI). */
    public static boolean required() {
        String value = System.getenv(REQUIRE_ENV);
        return value != null && !value.isBlank() && !value.equals("0") && !value.equalsIgnoreCase("false");
    }

    /** Why the browser tests cannot run here, in words a newcomer can act on. */
    public static String missingReason() {
        return "The web page test needs headless Chromium, and none was found at " + CANDIDATES
                + ". Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu; CI does this) or point "
                + "EBB_CHROMIUM at a Chromium/Chrome binary.";
    }

    /** The Chromium binary; fails with install instructions when there is none. */
    public static Path binary() {
        return find().orElseThrow(() -> new AssertionError(missingReason()));
    }

    private static List<String> baseCommand(Path profile) {
        return new ArrayList<>(List.of(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=" + profile));
    }

    /**
     * Loads {@code url}, lets its scripts run for {@code virtualTimeMillis} of virtual time (timers and fetches
     * complete), and returns the serialized DOM.
     */
    public static String dumpDom(String url, int virtualTimeMillis) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("ebb-chromium-");
        try {
            List<String> command = baseCommand(profile);
            command.addAll(List.of("--virtual-time-budget=" + virtualTimeMillis, "--dump-dom", url));
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("Chromium did not finish within 60 s: " + command);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("Chromium exited with " + p.exitValue() + ": " + command);
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            delete(profile);
        }
    }

    /** Opens {@code url} in a headless Chromium that keeps running in real time until closed. */
    public static Page open(String url) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("ebb-chromium-");
        List<String> command = baseCommand(profile);
        command.addAll(List.of("--remote-debugging-port=0", url));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        try {
            // Chromium writes the chosen DevTools port to this file once it listens.
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new AssertionError("Chromium did not open its DevTools port: " + command);
                }
                Thread.sleep(50);
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
            HttpClient http = HttpClient.newHttpClient();
            String socketUrl = null;
            while (socketUrl == null) {
                JsonArray targets = new JsonArray(http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                for (int i = 0; i < targets.size(); i++) {
                    JsonObject t = targets.getJsonObject(i);
                    if ("page".equals(t.getString("type"))) {
                        socketUrl = t.getString("webSocketDebuggerUrl");
                    }
                }
                if (socketUrl == null) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("Chromium shows no page for " + url);
                    }
                    Thread.sleep(50);
                }
            }
            Page page = new Page(process, profile);
            page.socket = http.newWebSocketBuilder().buildAsync(URI.create(socketUrl), page).join();
            return page;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            delete(profile);
            throw e;
        }
    }

    /** A page in a running Chromium, driven with the DevTools protocol. */
    public static final class Page implements AutoCloseable, WebSocket.Listener {
        private final Process process;
        private final Path profile;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        private Page(Process process, Path profile) {
            this.process = process;
            this.profile = profile;
        }

        /** Evaluates a JavaScript expression in the page and returns its value as a string ("null" if none). */
        public String evaluate(String expression) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonObject> reply = new CompletableFuture<>();
            pending.put(id, reply);
            JsonObject message = new JsonObject().put("id", id).put("method", "Runtime.evaluate")
                    .put("params", new JsonObject().put("expression", expression).put("returnByValue", true));
            socket.sendText(message.encode(), true).join();
            JsonObject result = reply.get(30, TimeUnit.SECONDS).getJsonObject("result").getJsonObject("result");
            Object value = result.getValue("value");
            return String.valueOf(value);
        }

        /** Re-evaluates {@code expression} until {@code accept} holds or the timeout passes; returns the last value. */
        public String await(String expression, java.util.function.Predicate<String> accept, java.time.Duration timeout)
                throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            String value = evaluate(expression);
            while (!accept.test(value) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                value = evaluate(expression);
            }
            return value;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject message = new JsonObject(partial.toString());
                partial.setLength(0);
                Integer id = message.getInteger("id");
                if (id != null) {
                    CompletableFuture<JsonObject> reply = pending.remove(id);
                    if (reply != null) {
                        reply.complete(message);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() throws Exception {
            try {
                if (socket != null) {
                    socket.abort();
                }
            } finally {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                delete(profile);
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
