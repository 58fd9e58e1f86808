package dev.ebb.cli;

import dev.ebb.scaler.cli.Cli;
import dev.ebb.testkit.KafkaBroker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ebb broker}: a testkit Kafka broker with sample traffic — a producer writing to {@code orders} faster than
 * the consumer group {@code orders-workers} reads, so there is lag to look at. With {@code --watch-lag} it runs
 * {@code ebb lag --watch} against it in the same terminal.
 */
public final class BrokerCommand {

    private BrokerCommand() {
    }

    @Command(name = "ebb broker", description = {"Starts a Kafka 4.4 broker (KRaft, child JVM), topic 'orders' (4 "
        + "partitions), a producer at --produce-rate records/s and group 'orders-workers' consuming at most "
        + "--consume-rate records/s. Stop with Ctrl-C; the broker and its data are removed.", ""})
    static final class Spec {
        @Option(names = "--watch-lag", description = "run ebb lag --watch against it in this terminal")
        boolean watchLag;
        @Option(names = "--produce-rate", paramLabel = "N", description = "records/s produced (default 500)")
        int produceRate = 500;
        @Option(names = "--consume-rate", paramLabel = "N", description = "records/s consumed at most (default 300)")
        int consumeRate = 300;

        Spec check() {
            List<String> problems = new ArrayList<>();
            if (produceRate <= 0) {
                problems.add("Invalid value " + produceRate + " for --produce-rate: must be > 0");
            }
            if (consumeRate <= 0) {
                problems.add("Invalid value " + consumeRate + " for --consume-rate: must be > 0");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", problems));
            }
            return this;
        }
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run("broker", args, out, err, a -> Cli.parse(new Spec(), a, Spec::check),
                spec -> serve(spec.watchLag, spec.produceRate, spec.consumeRate));
    }

    private static int serve(boolean watchLag, int produceRate, int consumeRate) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        try (KafkaBroker broker = KafkaBroker.start()) {
            broker.createTopic("orders", 4);
            System.out.println("Kafka broker ready: " + broker.bootstrapServers()
                    + " (topic orders, group orders-workers)");
            int rate = produceRate;
            Thread producer = traffic("ebb-sample-producer", () -> produce(broker, running, rate));
            int consume = consumeRate;
            Thread consumer = traffic("ebb-sample-consumer", () -> consume(broker, running, consume));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> running.set(false)));
            if (watchLag) {
                Class<?> lag = Class.forName("dev.ebb.scaler.cli.LagCommand");
                lag.getMethod("run", String[].class).invoke(null, (Object) new String[] {
                    "--bootstrap-server", broker.bootstrapServers(), "--group", "orders-workers", "--watch"});
            } else {
                System.out.println("Try: ./ebb lag --bootstrap-server " + broker.bootstrapServers()
                        + " --group orders-workers --watch");
                producer.join();
            }
            running.set(false);
            consumer.join(5_000);
        }
        return 0;
    }

    private static Thread traffic(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void produce(KafkaBroker broker, AtomicBoolean running, int perSecond) {
        Properties p = new Properties();
        p.putAll(broker.clientConfig());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            long id = 0;
            while (running.get()) {
                long start = System.nanoTime();
                for (int i = 0; i < perSecond / 10; i++, id++) {
                    producer.send(new ProducerRecord<>("orders", "customer-" + (id % 97),
                            "{\"orderId\":" + id + ",\"amount\":" + (id % 500) + "}"));
                }
                sleepRest(start, Duration.ofMillis(100));
            }
        }
    }

    private static void consume(KafkaBroker broker, AtomicBoolean running, int perSecond) {
        Properties p = new Properties();
        p.putAll(broker.clientConfig());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "orders-workers");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(Math.max(1, perSecond / 10)));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of("orders"));
            while (running.get()) {
                long start = System.nanoTime();
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
                sleepRest(start, Duration.ofMillis(100));
            }
        }
    }

    private static void sleepRest(long startNanos, Duration period) {
        long rest = period.toNanos() - (System.nanoTime() - startNanos);
        if (rest > 0) {
            try {
                Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
