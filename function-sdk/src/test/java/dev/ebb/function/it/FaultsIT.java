package dev.ebb.function.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.function.DeadLetterHeaders;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Faults with real parts: worker processes SIGKILLed during retries and during a dead-letter send, SIGTERMed during a
 * retry backoff, and the broker killed under load. Every test checks that no produced record is lost.
 */
@ExtendWith(KafkaBrokerExtension.class)
class FaultsIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private final KafkaBroker broker;
  private final HttpClient http = HttpClient.newHttpClient();

  FaultsIT(KafkaBroker broker) {
    this.broker = broker;
  }

  private static Map<String, String> env(String bootstrap, String in, String out, String dlq, String group,
                                         String id) {
    Map<String, String> env = new HashMap<>();
    env.put("EBB_BOOTSTRAP_SERVERS", bootstrap);
    env.put("EBB_TOPICS", in);
    env.put("EBB_GROUP", group);
    env.put("EBB_OUTPUT_TOPIC", out);
    if (dlq != null) {
      env.put("EBB_DLQ_TOPIC", dlq);
    }
    env.put("EBB_WORKER_ID", id);
    env.put("EBB_COMMIT_INTERVAL", "200ms");
    env.put("EBB_SHUTDOWN_GRACE", "20s");
    env.put("EBB_HTTP_PORT", "off");
    env.put("EBB_MAX_IN_FLIGHT", "200");
    env.put("TEST_WORK", "2ms");
    return env;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Waits until the worker's {@code /metrics} shows {@code metric >= n}. */
  private void awaitMetric(int port, String metric, double n) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    double v = -1;
    while (v < n && System.nanoTime() < deadline) {
      try {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        v = body.lines().filter(l -> l.startsWith(metric + " ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
            .findFirst().orElse(-1);
      } catch (IOException e) {
        // not listening yet
      }
      if (v < n) {
        Thread.sleep(20);
      }
    }
    assertThat(v).as(metric).isGreaterThanOrEqualTo(n);
  }

  private record Topics(String in, String out, String dlq, String group) {
    static Topics create(KafkaBroker broker, String name, int partitions) {
      Topics t = new Topics(Records.unique(name + "-in"), Records.unique(name + "-out"),
          Records.unique(name + "-dlq"), Records.unique(name + "-group"));
      broker.createTopic(t.in, partitions);
      broker.createTopic(t.out, 1);
      broker.createTopic(t.dlq, 1);
      WorkerProcessIT.shortSessionTimeout(broker, t.group);
      return t;
    }
  }

  private static void assertAllProcessed(String bootstrap, Topics t, List<String> ids) {
    List<ConsumerRecord<String, String>> outputs = Records.readUntil(bootstrap, t.out, false, WAIT,
        o -> Records.distinctCovering(o, ids) == ids.size());
    Map<String, Integer> counts = Records.countIds(outputs);
    System.out.printf("%s: produced %d, processed %d distinct, %d duplicates%n", t.in, ids.size(), counts.size(),
        outputs.size() - counts.size());
    assertThat(counts.keySet()).as("nothing lost").containsAll(ids);
  }

  private static List<ConsumerRecord<String, String>> awaitDeadLetter(String bootstrap, Topics t, String worker) {
    List<ConsumerRecord<String, String>> dead = Records.readUntil(bootstrap, t.dlq, false, WAIT,
        d -> d.stream().anyMatch(r -> worker.equals(Records.header(r, DeadLetterHeaders.WORKER))));
    assertThat(dead).extracting(ConsumerRecord::value).as("the poison record is dead-lettered").contains("poison-0");
    return dead;
  }

  @Test
  void sigkillDuringRetriesLosesNothingAndTheSuccessorDeadLettersThePoison() throws Exception {
    Topics t = Topics.create(broker, "killretry", 2);
    int port = freePort();
    try (WorkerProcesses procs = new WorkerProcesses();
         KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      List<String> ids = new ArrayList<>(Records.produce(producer, t.in, "r", 0, 100));
      Records.produce(producer, t.in, "poison", 0, 1);
      ids.addAll(Records.produce(producer, t.in, "r", 100, 200));
      Map<String, String> envA = env(broker.bootstrapServers(), t.in, t.out, t.dlq, t.group, "killretry-a");
      envA.put("EBB_RETRIES", "8");
      envA.put("EBB_RETRY_BACKOFF", "500ms");
      envA.put("EBB_RETRY_BACKOFF_MAX", "2s");
      envA.put("EBB_HTTP_PORT", Integer.toString(port));
      Process a = procs.start("killretry-a", envA);
      awaitMetric(port, "ebb_records_retried_total", 2);

      a.destroyForcibly();
      assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
      Map<String, String> envB = env(broker.bootstrapServers(), t.in, t.out, t.dlq, t.group, "killretry-b");
      envB.put("EBB_RETRIES", "1");
      envB.put("EBB_RETRY_BACKOFF", "10ms");
      procs.start("killretry-b", envB);

      assertAllProcessed(broker.bootstrapServers(), t, ids);
      List<ConsumerRecord<String, String>> dead = awaitDeadLetter(broker.bootstrapServers(), t, "killretry-b");
      assertThat(dead).as("the killed worker never finished its retries").noneMatch(
          r -> "killretry-a".equals(Records.header(r, DeadLetterHeaders.WORKER)));
    }
  }

  @Test
  void sigkillDuringADeadLetterSendLosesNothing() throws Exception {
    Topics t = Topics.create(broker, "killdlq", 1);
    int port = freePort();
    try (WorkerProcesses procs = new WorkerProcesses();
         KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      List<String> ids = new ArrayList<>(Records.produce(producer, t.in, "d", 0, 50));
      Records.produce(producer, t.in, "poison", 0, 1);
      ids.addAll(Records.produce(producer, t.in, "d", 50, 100));
      Map<String, String> envA = env(broker.bootstrapServers(), t.in, t.out, t.dlq, t.group, "killdlq-a");
      envA.put("EBB_RETRIES", "0");
      // The dead letter waits 5 s in the producer's buffer, and no commit flushes it meanwhile: the kill lands while
      // it is being sent.
      envA.put("EBB_KAFKA_LINGER_MS", "5000");
      envA.put("EBB_COMMIT_INTERVAL", "60s");
      envA.put("EBB_HTTP_PORT", Integer.toString(port));
      Process a = procs.start("killdlq-a", envA);
      awaitMetric(port, "ebb_records_dead_lettered_total", 1);

      a.destroyForcibly();
      assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
      Map<String, String> envB = env(broker.bootstrapServers(), t.in, t.out, t.dlq, t.group, "killdlq-b");
      envB.put("EBB_RETRIES", "0");
      procs.start("killdlq-b", envB);

      assertAllProcessed(broker.bootstrapServers(), t, ids);
      List<ConsumerRecord<String, String>> dead = awaitDeadLetter(broker.bootstrapServers(), t, "killdlq-b");
      System.out.printf("dead letters: %s%n", dead.stream().map(r -> Records.header(r, DeadLetterHeaders.WORKER))
          .toList());
    }
  }

  @Test
  void sigtermDuringARetryBackoffFinishesTheRetriesWithinTheGrace() throws Exception {
    Topics t = Topics.create(broker, "termretry", 1);
    int port = freePort();
    Path stats = Files.createTempFile("ebb-worker-stats", ".txt");
    try (WorkerProcesses procs = new WorkerProcesses();
         KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      List<String> ids = new ArrayList<>(Records.produce(producer, t.in, "b", 0, 20));
      Records.produce(producer, t.in, "poison", 0, 1);
      ids.addAll(Records.produce(producer, t.in, "b", 20, 40));
      Map<String, String> envA = env(broker.bootstrapServers(), t.in, t.out, t.dlq, t.group, "termretry-a");
      envA.put("EBB_RETRIES", "2");
      envA.put("EBB_RETRY_BACKOFF", "2s");
      envA.put("EBB_HTTP_PORT", Integer.toString(port));
      envA.put("TEST_STATS", stats.toString());
      Process a = procs.start("termretry-a", envA);
      awaitMetric(port, "ebb_records_retried_total", 1);

      a.destroy();
      assertThat(a.waitFor(40, TimeUnit.SECONDS)).as("exits within the grace after SIGTERM").isTrue();
      Map<String, String> s = Files.readAllLines(stats).stream().map(l -> l.split("="))
          .collect(Collectors.toMap(x -> x[0], x -> x[1]));
      System.out.printf("SIGTERM during backoff: worker a %s%n", s);
      assertThat(s).containsEntry("abandoned", "0").containsEntry("inFlight", "0");
      // The drain waited out the backoff: the terminated worker dead-lettered the record itself and committed it.
      awaitDeadLetter(broker.bootstrapServers(), t, "termretry-a");
      procs.start("termretry-b", env(broker.bootstrapServers(), t.in, t.out, t.dlq, t.group, "termretry-b"));
      ids.addAll(Records.produce(producer, t.in, "b", 40, 50));
      assertAllProcessed(broker.bootstrapServers(), t, ids);
    } finally {
      Files.deleteIfExists(stats);
    }
  }

  /** The broker is down for 15 s (not a minute, to keep the suite short) while records are produced and processed. */
  @Test
  void brokerKilledUnderLoadWorkersResumeAndNothingIsLost() throws Exception {
    try (KafkaBroker own = KafkaBroker.start()) {
      Topics t = Topics.create(own, "brokerkill", 4);
      List<String> acked = Collections.synchronizedList(new ArrayList<>());
      AtomicBoolean producing = new AtomicBoolean(true);
      try (WorkerProcesses procs = new WorkerProcesses();
           KafkaProducer<String, String> producer = Records.producer(own.bootstrapServers())) {
        Process a = procs.start("brokerkill-a", env(own.bootstrapServers(), t.in, t.out, null, t.group, "bk-a"));
        Process b = procs.start("brokerkill-b", env(own.bootstrapServers(), t.in, t.out, null, t.group, "bk-b"));
        Thread load = new Thread(() -> {
          for (int i = 0; producing.get(); i++) {
            String id = "k-" + i;
            producer.send(new ProducerRecord<>(t.in, id, id), (m, e) -> {
              if (e == null) {
                acked.add(id);
              }
            });
            try {
              Thread.sleep(5);
            } catch (InterruptedException e) {
              return;
            }
          }
        }, "brokerkill-load");
        load.start();
        Records.readUntil(own.bootstrapServers(), t.out, false, WAIT, o -> o.size() >= 300);

        own.kill();
        Thread.sleep(15_000);
        own.restart();
        Thread.sleep(5_000);
        producing.set(false);
        load.join();
        producer.flush();

        List<String> ids;
        synchronized (acked) {
          ids = List.copyOf(acked);
        }
        assertAllProcessed(own.bootstrapServers(), t, ids);
        assertThat(a.isAlive()).as("worker a resumed").isTrue();
        assertThat(b.isAlive()).as("worker b resumed").isTrue();
      }
    }
  }

  @Test
  void fatalErrorExitsTheProcessWithStatusOneWithoutCommittingIt() throws Exception {
    Topics t = Topics.create(broker, "fatal", 1);
    try (WorkerProcesses procs = new WorkerProcesses();
         KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      List<String> ids = new ArrayList<>(Records.produce(producer, t.in, "f", 0, 20));
      Records.produce(producer, t.in, "oom", 0, 1);
      Map<String, String> envA = env(broker.bootstrapServers(), t.in, t.out, t.dlq, t.group, "fatal-a");
      envA.put("TEST_RUN_MAIN", "1");
      Process a = procs.start("fatal-a", envA);
      assertThat(a.waitFor(60, TimeUnit.SECONDS)).as("the worker process exits on the fatal error").isTrue();
      assertThat(a.exitValue()).isEqualTo(1);
      assertAllProcessed(broker.bootstrapServers(), t, ids);
      // Not dead-lettered: a fatal error is not the record's fault, and its offset was never committed.
      assertThat(Records.readUntil(broker.bootstrapServers(), t.dlq, false, Duration.ofSeconds(2), d -> false))
          .isEmpty();
    }
  }
}
