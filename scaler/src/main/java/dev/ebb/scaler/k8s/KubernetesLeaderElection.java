package dev.ebb.scaler.k8s;

import dev.ebb.scaler.loop.LeaderGate;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a {@code coordination.k8s.io/v1 Lease} with fabric8's {@link LeaderElector}: only the holder
 * acts; a standby takes over within the lease duration when the leader dies; {@link #close()} releases the lease so a
 * graceful shutdown hands over at once. The elector keeps trying after losing the lease, so an instance that lost
 * leadership (e.g. a long GC pause) becomes a standby again rather than exiting.
 */
public final class KubernetesLeaderElection implements LeaderGate, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesLeaderElection.class);

    /** Lease timings; Kubernetes' controller defaults are 15 s / 10 s / 2 s. */
    public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public static Timing defaults() {
            return new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String leaseName;
    private final String identity;
    private final Timing timing;
    private final Consumer<Boolean> onChange;
    private final AtomicBoolean leading = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<CompletableFuture<?>> running = new AtomicReference<>();
    private final AtomicReference<LeaderElector> elector = new AtomicReference<>();
    private final ExecutorService executor;
    private volatile String currentLeader = "";

    /**
     * @param onChange told {@code true} when this instance starts leading and {@code false} when it stops
     */
    public KubernetesLeaderElection(KubernetesClient client, String namespace, String leaseName, String identity,
                                    Timing timing, Consumer<Boolean> onChange) {
        this.client = client;
        this.namespace = namespace;
        this.leaseName = leaseName;
        this.identity = identity;
        this.timing = timing;
        this.onChange = onChange;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ebb-leader-election-" + identity);
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        runElection();
    }

    private void runElection() {
        if (closed.get()) {
            return;
        }
        LeaderElector le = new LeaderElector(client, new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(timing.leaseDuration())
                .withRenewDeadline(timing.renewDeadline())
                .withRetryPeriod(timing.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
                .build(), executor);
        elector.set(le);
        CompletableFuture<?> f = le.start();
        running.set(f);
        // LeaderElector ends its loop when it loses the lease; run again to stand by for the next term.
        f.whenComplete((ok, err) -> {
            if (!closed.get()) {
                executor.execute(this::runElection);
            }
        });
    }

    private void started() {
        leading.set(true);
        LOG.info("{} is now the leader (lease {}/{})", identity, namespace, leaseName);
        onChange.accept(true);
    }

    private void stopped() {
        if (leading.getAndSet(false)) {
            LOG.info("{} stopped leading (lease {}/{})", identity, namespace, leaseName);
            onChange.accept(false);
        }
    }

    private void newLeader(String leader) {
        currentLeader = leader == null ? "" : leader;
    }

    @Override
    public boolean leading() {
        return leading.get();
    }

    public String identity() {
        return identity;
    }

    /** Identity of the lease holder as last seen, or empty. */
    public String currentLeader() {
        return currentLeader;
    }

    /** Stops electing and releases the lease if held. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<?> f = running.get();
        if (f != null) {
            f.cancel(true);
        }
        LeaderElector le = elector.get();
        if (le != null && leading.get()) {
            try {
                le.release();
            } catch (RuntimeException e) {
                LOG.warn("Could not release lease {}/{}: {}", namespace, leaseName, e.getMessage());
            }
        }
        stopped();
        executor.shutdown();
    }
}
