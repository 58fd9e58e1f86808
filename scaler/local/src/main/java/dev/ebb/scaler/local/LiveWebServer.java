package dev.ebb.scaler.local;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live web page of local mode: {@code /} (chart of lag and replicas over time plus the decision log, plain
 * JS/SVG, no external resources), {@code /api/state?since=SEQ} (JSON) and {@code /api/events} (server-sent events,
 * one per entry).
 */
public final class LiveWebServer implements AutoCloseable {

    private static final Map<String, String> PAGES = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/app.js", "app.js",
            "/style.css", "style.css");

    private final Vertx vertx;
    private final LiveLog log;
    private final String title;
    private final Map<String, Buffer> resources = new ConcurrentHashMap<>();
    private final Set<HttpServerResponse> streams = ConcurrentHashMap.newKeySet();
    private Runnable unsubscribe = () -> { };
    private HttpServer server;

    /** Reads the page resources now, on the caller's thread, so that serving them never touches the disk. */
    public LiveWebServer(Vertx vertx, LiveLog log, String title) {
        this.vertx = vertx;
        this.log = log;
        this.title = title;
        for (String file : Set.copyOf(PAGES.values())) {
            resources.put(file, Buffer.buffer(read("ebb-ui/" + file)));
        }
    }

    /** Listens on {@code host:port} (port 0: any free port); completes with the bound port. */
    public Future<Integer> listen(String host, int port) {
        unsubscribe.run();
        server = vertx.createHttpServer();
        unsubscribe = log.subscribe(this::push);
        return server.requestHandler(this::handle).listen(port, host).map(HttpServer::actualPort);
    }

    public int port() {
        return server == null ? -1 : server.actualPort();
    }

    @Override
    public void close() {
        unsubscribe.run();
        for (HttpServerResponse r : streams) {
            r.reset();
        }
        streams.clear();
        if (server != null) {
            server.close().await();
        }
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        String file = PAGES.get(path);
        HttpServerResponse response = request.response();
        if (file != null) {
            response.putHeader("content-type", contentType(file)).putHeader("cache-control", "no-store")
                    .end(resources.get(file));
        } else if (path.equals("/api/state")) {
            long since = parseSince(request.getParam("since"));
            response.putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
                    .end(LiveJson.snapshot(log.since(since), title).encode());
        } else if (path.equals("/api/events")) {
            response.setChunked(true).putHeader("content-type", "text/event-stream")
                    .putHeader("cache-control", "no-store");
            response.write("retry: 2000\n\n");
            streams.add(response);
            response.closeHandler(v -> streams.remove(response));
        } else {
            response.setStatusCode(404).putHeader("content-type", "text/plain").end("Not found: " + path + "\n");
        }
    }

    /** Called on whatever thread records; each stream writes on its own context. */
    private void push(LiveLog.Entry entry) {
        if (streams.isEmpty()) {
            return;
        }
        String event = entry instanceof LiveLog.Sampled s
                ? "event: sample\ndata: " + LiveJson.sample(s).encode() + "\n\n"
                : "event: annotation\ndata: " + LiveJson.annotation((LiveLog.Annotation) entry).encode() + "\n\n";
        vertx.runOnContext(v -> {
            for (HttpServerResponse r : streams) {
                if (!r.ended() && !r.closed()) {
                    r.write(event);
                }
            }
        });
    }

    private static long parseSince(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String contentType(String file) {
        if (file.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (file.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        return "text/css; charset=utf-8";
    }

    private static byte[] read(String resource) {
        try (InputStream in = LiveWebServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource + " on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
