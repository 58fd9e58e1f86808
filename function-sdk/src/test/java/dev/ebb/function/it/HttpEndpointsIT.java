package dev.ebb.function.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.function.FunctionWorker;
import dev.ebb.function.RunningWorker;
import dev.ebb.function.WorkerConfig;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class HttpEndpointsIT {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesHealthReadinessAndWorkerMetricsUntilClosed(KafkaBroker broker) throws Exception {
    String in = Records.unique("http-in");
    String out = Records.unique("http-out");
    broker.createTopic(in, 2);
    broker.createTopic(out, 1);
    RunningWorker worker = FunctionWorker.start(TaggingFunction.of("http", Duration.ZERO),
        WorkerConfig.builder().bootstrapServers(broker.bootstrapServers()).topics(in).group(Records.unique("http"))
            .outputTopic(out).httpPort(0).workerId("http-worker").build());
    int port = worker.httpPort().orElseThrow();
    try (KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      List<String> ids = Records.produce(producer, in, "h", 0, 50);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (worker.stats().processed() < ids.size() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }

      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(port, "/readyz").statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = get(port, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("ebb_records_processed_total 50.0")
          .contains("ebb_records_failed_total 0.0")
          .contains("ebb_records_retried_total", "ebb_records_dead_lettered_total", "ebb_records_in_flight",
              "ebb_processing_seconds_bucket", "ebb_commit_seconds_count", "ebb_busy_ratio",
              "ebb_busy_seconds_total", "ebb_commits_failed_total", "ebb_dead_letters_truncated_total",
              "ebb_acknowledgements_failed_total")
          .contains("ebb_assigned_partitions 2.0");
      assertThat(get(port, "/nope").statusCode()).isEqualTo(404);
    } finally {
      worker.close();
    }
    assertThat(worker.isReady()).isFalse();
    assertThatThrownBy(() -> get(port, "/healthz")).isInstanceOf(IOException.class);
  }
}
