package dev.ebb.bench.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends JSON orders with unique ids ({@code orderId} {@code order-00000042}, also the record key) following a {@link Trace}, on its own
 * thread. Only records the broker acknowledged count as produced.
 */
public final class LoadGenerator implements AutoCloseable {

    private final Map<String, Object> clientConfig;
    private final String topic;
    private final Trace trace;
    private final Clock clock;
    private final BiConsumer<Instant, String> onPhase;
    private final BitSet acked = new BitSet();
    private final AtomicLong failed = new AtomicLong();
    private volatile long sent;
    private volatile Instant startedAt;
    private volatile Instant burstStart;
    private volatile long burstFirst = -1;
    private volatile long burstEnd = -1;
    private volatile Exception lastError;
    private volatile int phaseIndex = -1;
    private volatile Instant burstSentAt;
    private Thread thread;
    private volatile boolean stop;

    /**
     * @param onPhase called when a phase starts (for annotations on the live chart)
     */
    public LoadGenerator(Map<String, Object> clientConfig, String topic, Trace trace, Clock clock,
                         BiConsumer<Instant, String> onPhase) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = topic;
        this.trace = trace;
        this.clock = clock;
        this.onPhase = onPhase;
    }

    public static String id(long seq) {
        return String.format(Locale.ROOT, "order-%08d", seq);
    }

    /** The sequence number in an id made by {@link #id(long)}, or -1. */
    public static long seq(String id) {
        if (id == null || !id.startsWith("order-")) {
            return -1;
        }
        try {
            return Long.parseLong(id.substring(6));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public void start() {
        thread = new Thread(this::run, "ebb-demo-load");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until the whole trace has been sent (or {@link #close()} was called). */
    public void awaitEnd() throws InterruptedException {
        thread.join();
    }

    private void run() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "ebb-demo-load");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            startedAt = clock.instant();
            String phase = null;
            long seq = 0;
            while (!stop) {
                Instant now = clock.instant();
                Duration elapsed = Duration.between(startedAt, now);
                Optional<Trace.Phase> current = trace.phaseAt(elapsed);
                String name = current.map(Trace.Phase::name).orElse(null);
                if (name != null && !name.equals(phase)) {
                    if (Trace.BURST.equals(name)) {
                        burstStart = now;
                        burstFirst = seq;
                        // The burst is the records the trace sends during that phase, even if a busy machine
                        // makes some of them leave a little after it.
                        Duration from = trace.startOf(Trace.BURST).orElseThrow();
                        burstEnd = (long) Math.floor(trace.recordsBy(from.plus(current.get().length())));
                    }
                    onPhase.accept(now, name + String.format(Locale.ROOT, " (%s)", rate(current.get())));
                    phase = name;
                    phaseIndex = trace.phases().indexOf(current.get());
                }
                long target = (long) Math.floor(trace.recordsBy(elapsed));
                for (; seq < target && !stop; seq++) {
                    final long s = seq;
                    String id = id(s);
                    // The input format of the SDK's example function, OrderEnricher.
                    String value = String.format(Locale.ROOT,
                            "{\"orderId\":\"%s\",\"customerId\":\"customer-%d\",\"items\":"
                                    + "[{\"sku\":\"SKU-%d\",\"qty\":%d,\"price\":%d.%02d}]}",
                            id, s % 97, s % 13, 1 + s % 5, 5 + s % 40, s % 100);
                    producer.send(new ProducerRecord<>(topic, id, value), (meta, error) -> {
                        if (error == null) {
                            synchronized (acked) {
                                acked.set((int) s);
                            }
                        } else {
                            failed.incrementAndGet();
                            lastError = error;
                        }
                    });
                }
                sent = seq;
                if (burstSentAt == null && burstEnd >= 0 && seq >= burstEnd) {
                    burstSentAt = clock.instant();
                }
                if (current.isEmpty()) {
                    break;
                }
                Thread.sleep(20);
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            lastError = e;
        }
    }

    private static String rate(Trace.Phase p) {
        if (p.startRate() == p.endRate()) {
            return String.format(Locale.ROOT, "%,.0f/s", p.startRate());
        }
        return String.format(Locale.ROOT, "%,.0f→%,.0f/s", p.startRate(), p.endRate());
    }

    /** Records the broker acknowledged. */
    public long produced() {
        synchronized (acked) {
            return acked.cardinality();
        }
    }

    /** A copy of the acknowledged sequence numbers. */
    public BitSet ackedSeqs() {
        synchronized (acked) {
            return (BitSet) acked.clone();
        }
    }

    /**
     * Whether the trace is in its last phase and that phase sends nothing: from here on the run only waits for the
     * scaler to return to the minimum.
     */
    public boolean inFinalIdle() {
        List<Trace.Phase> phases = trace.phases();
        Trace.Phase last = phases.get(phases.size() - 1);
        return (phaseIndex == phases.size() - 1 || !thread.isAlive()) && last.startRate() == 0 && last.endRate() == 0;
    }

    public boolean finished() {
        return thread != null && !thread.isAlive();
    }

    public long failedSends() {
        return failed.get();
    }

    public long sent() {
        return sent;
    }

    public Optional<Exception> lastError() {
        return Optional.ofNullable(lastError);
    }

    public Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt);
    }

    /** When the last record of the burst was handed to the producer (late on a starved machine). */
    public Optional<Instant> burstSentAt() {
        return Optional.ofNullable(burstSentAt);
    }

    public Optional<Instant> burstStart() {
        return Optional.ofNullable(burstStart);
    }

    /** Sequence numbers of the burst: [first, end); empty until the burst started. */
    public Optional<long[]> burstRange() {
        return burstFirst < 0 || burstEnd < 0 ? Optional.empty() : Optional.of(new long[] {burstFirst, burstEnd});
    }

    @Override
    public void close() {
        stop = true;
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
