package dev.ebb.scaler.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The metrics and health port listens only on the address the operator chose (--bind-address). */
class ScalerHttpServerBindIT {

    @Test
    void listensOnlyOnTheChosenAddress() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            ScalerHttpServer server = new ScalerHttpServer(vertx, new PrometheusRegistry(),
                    () -> ScalerHttpServer.Health.up("alive"), () -> ScalerHttpServer.Health.up("ready"));
            // 127.0.0.2 is this machine too (all of 127/8 is loopback), yet another address than 127.0.0.1.
            int port = server.start("127.0.0.2", 0).await(10, TimeUnit.SECONDS);
            HttpResponse<String> ok = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.2:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                }
            }).isInstanceOf(ConnectException.class);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
