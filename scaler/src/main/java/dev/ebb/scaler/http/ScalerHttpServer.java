package dev.ebb.scaler.http;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus text format), {@code /healthz} (the process works) and {@code /readyz} (informers
 * synced and, on the leader, the first poll completed) on a Vert.x HTTP server.
 */
public final class ScalerHttpServer implements AutoCloseable {

    /** A probe's answer: {@code ok} and a line for people. */
    public record Health(boolean ok, String detail) {
        public static Health up(String detail) {
            return new Health(true, detail);
        }

        public static Health down(String detail) {
            return new Health(false, detail);
        }
    }

    private final Vertx vertx;
    private final PrometheusRegistry registry;
    private final Supplier<Health> liveness;
    private final Supplier<Health> readiness;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private HttpServer server;

    public ScalerHttpServer(Vertx vertx, PrometheusRegistry registry, Supplier<Health> liveness,
                            Supplier<Health> readiness) {
        this.vertx = vertx;
        this.registry = registry;
        this.liveness = liveness;
        this.readiness = readiness;
    }

    /** Starts listening; port 0 picks a free port. Completes with the bound port. */
    public Future<Integer> start(String host, int port) {
        return vertx.createHttpServer().requestHandler(this::handle).listen(port, host).map(s -> {
            this.server = s;
            return s.actualPort();
        });
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        switch (path) {
            case "/metrics" -> metrics(req);
            case "/healthz" -> probe(req, liveness.get());
            case "/readyz" -> probe(req, readiness.get());
            default -> req.response().setStatusCode(404).end("Not found: " + path + " (try /metrics, /healthz, /readyz)\n");
        }
    }

    private void metrics(HttpServerRequest req) {
        // Collecting is quick but not free; keep it off the event loop like any other work that may take time.
        vertx.executeBlocking(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            try {
                writer.write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return Buffer.buffer(out.toByteArray());
        }, false).onComplete(ar -> {
            if (ar.succeeded()) {
                req.response().putHeader("Content-Type", writer.getContentType()).end(ar.result());
            } else {
                req.response().setStatusCode(500).end("Cannot collect metrics: " + ar.cause().getMessage() + "\n");
            }
        });
    }

    private static void probe(HttpServerRequest req, Health h) {
        req.response().setStatusCode(h.ok() ? 200 : 503).putHeader("Content-Type", "text/plain; charset=utf-8")
                .end((h.ok() ? "ok" : "not ready") + ": " + h.detail() + "\n");
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
