package dev.ebb.cli;

import dev.ebb.testkit.KafkaBroker;
import java.time.Duration;
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

/**
 * {@code ebb broker}: a testkit Kafka broker with sample traffic — a producer writing to {@code orders} faster than
 * the consumer group {@code orders-workers} reads, so there is lag to look at. With {@code --watch-lag} it runs
 * {@code ebb lag --watch} against it in the same terminal.
 */
public final class BrokerCommand {

    private BrokerCommand() {
    }

    public static int run(String[] args) throws Exception {
        boolean watchLag = false;
        int produceRate = 500;
        int consumeRate = 300;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--watch-lag" -> watchLag = true;
                case "--produce-rate" -> produceRate = positive("--produce-rate", args, ++i);
                case "--consume-rate" -> consumeRate = positive("--consume-rate", args, ++i);
                case "--help", "-h" -> {
                    System.out.println("Usage: ebb broker [--watch-lag] [--produce-rate N] [--consume-rate N]\n"
                            + "Starts a Kafka 4.4 broker (KRaft, child JVM), topic 'orders' (4 partitions), a producer"
                            + " at N records/s and group 'orders-workers' consuming at most M records/s.\n"
                            + "Stop with Ctrl-C; the broker and its data are removed.");
                    return 0;
                }
                default -> {
                    System.err.println("Unknown option '" + args[i] + "'. Run 'ebb broker --help'.");
                    return 2;
                }
            }
        }
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

    private static int positive(String option, String[] args, int index) {
        if (index >= args.length) {
            throw new IllegalArgumentException("Missing value for " + option);
        }
        int value;
        try {
            value = Integer.parseInt(args[index]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value " + args[index] + " for " + option + ": must be an integer");
        }
        if (value <= 0) {
            throw new IllegalArgumentException("Invalid value " + value + " for " + option + ": must be > 0");
        }
        return value;
    }
}
