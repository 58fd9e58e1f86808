package dev.ebb.function.internal;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** {@code /metrics} from the Prometheus HTTP server, plus {@code /healthz} and {@code /readyz} on the same port. */
public final class HealthServer implements AutoCloseable {
  private final HTTPServer server;

  private HealthServer(HTTPServer server) {
    this.server = server;
  }

  public static HealthServer start(int port, PrometheusRegistry registry, BooleanSupplier healthy,
                                   BooleanSupplier ready) throws IOException {
    HTTPServer server = HTTPServer.builder()
        .port(port)
        .registry(registry)
        .defaultHandler(exchange -> route(exchange, healthy, ready))
        .buildAndStart();
    return new HealthServer(server);
  }

  private static void route(HttpExchange exchange, BooleanSupplier healthy, BooleanSupplier ready)
      throws IOException {
    String path = exchange.getRequestURI().getPath();
    try (exchange) {
      switch (path) {
        case "/healthz" -> respond(exchange, healthy.getAsBoolean() ? 200 : 503,
            healthy.getAsBoolean() ? "ok\n" : "failed\n");
        case "/readyz" -> respond(exchange, ready.getAsBoolean() ? 200 : 503,
            ready.getAsBoolean() ? "ready\n" : "not ready\n");
        default -> respond(exchange, 404, "try /healthz, /readyz or /metrics\n");
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
