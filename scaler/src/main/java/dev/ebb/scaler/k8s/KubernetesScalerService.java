package dev.ebb.scaler.k8s;

import dev.ebb.scaler.http.ScalerHttpServer;
import dev.ebb.scaler.loop.DecisionListener;
import dev.ebb.scaler.loop.LagSourceFactory;
import dev.ebb.scaler.loop.ScalerLoop;
import dev.ebb.scaler.metrics.ScalerMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scaler as it runs in a cluster: informer-backed catalog, leader election on a Lease, the control loop, status
 * and Events, metrics and probes. {@code ebb scaler} runs one; tests run two against one API server.
 */
public final class KubernetesScalerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesScalerService.class);

    /**
     * @param watchNamespace namespace of the ScaledWorkloads to serve, or {@code null} for all namespaces
     * @param leaseNamespace namespace of the Lease (the scaler's own)
     * @param port HTTP port for /metrics, /healthz, /readyz; 0 picks a free one, negative disables the server
     */
    public record Settings(String watchNamespace, String leaseNamespace, String leaseName, String identity,
                           String host, int port, Duration tick, KubernetesLeaderElection.Timing leaseTiming,
                           Duration statusFlush, Duration secretRefresh, KubernetesScaleTarget.Retry retry) {

        public static Settings defaults(String leaseNamespace, String identity) {
            return new Settings(null, leaseNamespace, "ebb-scaler", identity, "0.0.0.0", 8080, Duration.ofSeconds(1),
                    KubernetesLeaderElection.Timing.defaults(), Duration.ofSeconds(2), Duration.ofMinutes(1),
                    KubernetesScaleTarget.Retry.defaults());
        }

        public Settings withWatchNamespace(String ns) {
            return new Settings(ns, leaseNamespace, leaseName, identity, host, port, tick, leaseTiming, statusFlush,
                    secretRefresh, retry);
        }

        public Settings withLeaseName(String name) {
            return new Settings(watchNamespace, leaseNamespace, name, identity, host, port, tick, leaseTiming,
                    statusFlush, secretRefresh, retry);
        }

        public Settings withPort(int newPort) {
            return new Settings(watchNamespace, leaseNamespace, leaseName, identity, host, newPort, tick, leaseTiming,
                    statusFlush, secretRefresh, retry);
        }

        /** Address the HTTP server binds to, e.g. {@code 0.0.0.0} (every interface) or {@code 127.0.0.1}. */
        public Settings withHost(String newHost) {
            return new Settings(watchNamespace, leaseNamespace, leaseName, identity, newHost, port, tick, leaseTiming,
                    statusFlush, secretRefresh, retry);
        }

        public Settings withTick(Duration newTick) {
            return new Settings(watchNamespace, leaseNamespace, leaseName, identity, host, port, newTick, leaseTiming,
                    statusFlush, secretRefresh, retry);
        }

        public Settings withLeaseTiming(KubernetesLeaderElection.Timing timing) {
            return new Settings(watchNamespace, leaseNamespace, leaseName, identity, host, port, tick, timing,
                    statusFlush, secretRefresh, retry);
        }

        public Settings withStatusFlush(Duration flush) {
            return new Settings(watchNamespace, leaseNamespace, leaseName, identity, host, port, tick, leaseTiming,
                    flush, secretRefresh, retry);
        }
    }

    private final Vertx vertx;
    private final Settings settings;
    private final ExecutorService blocking;
    private final ScalerMetrics metrics;
    private final KubernetesWorkloadCatalog catalog;
    private final KubernetesLeaderElection leader;
    private final KubernetesStatusReporter reporter;
    private final ScalerLoop loop;
    private final ScalerHttpServer http;
    private final KubernetesScaleTarget target;
    private final WorkloadFinalizer finalizer;
    private volatile int port = -1;

    public KubernetesScalerService(Vertx vertx, KubernetesClient client, LagSourceFactory lagSources, Clock clock,
                                   Settings settings) {
        this.vertx = vertx;
        this.settings = settings;
        this.blocking = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ebb-k8s-blocking");
            t.setDaemon(true);
            return t;
        });
        PrometheusRegistry registry = new PrometheusRegistry();
        this.metrics = new ScalerMetrics(registry);
        this.catalog = new KubernetesWorkloadCatalog(client, settings.watchNamespace(), settings.secretRefresh(), clock);
        this.leader = new KubernetesLeaderElection(client, settings.leaseNamespace(), settings.leaseName(),
                settings.identity(), settings.leaseTiming(), isLeader -> {
                    if (isLeader) {
                        metrics.leading();
                    } else {
                        metrics.standingBy();
                    }
                });
        this.reporter = new KubernetesStatusReporter(client, catalog, leader, clock, settings.identity(),
                settings.statusFlush());
        this.target = new KubernetesScaleTarget(client, blocking, settings.retry(), leader);
        this.finalizer = new WorkloadFinalizer(client, target, target::retain, leader, catalog::resources,
                settings.tick(), Duration.ofSeconds(30));
        this.loop = new ScalerLoop(vertx, catalog, lagSources, target, clock,
                DecisionListener.all(List.of(metrics, reporter)),
                new ScalerLoop.Options(settings.tick(), leader));
        this.http = new ScalerHttpServer(vertx, registry,
                () -> ScalerHttpServer.Health.up(settings.identity() + (leader.leading() ? " leading" : " standby")),
                this::readiness);
    }

    /** Starts everything; completes with the HTTP port (or -1 without a server). */
    public Future<Integer> start() {
        metrics.standingBy();
        catalog.start();
        leader.start();
        loop.start();
        if (settings.port() < 0) {
            return Future.succeededFuture(-1);
        }
        return http.start(settings.host(), settings.port()).onSuccess(p -> {
            port = p;
            LOG.info("Scaler {} serving /metrics, /healthz, /readyz on port {}", settings.identity(), p);
        });
    }

    private ScalerHttpServer.Health readiness() {
        if (!catalog.synced()) {
            return ScalerHttpServer.Health.down("informers not synced yet");
        }
        if (leader.leading() && !loop.firstPollCompleted()) {
            return ScalerHttpServer.Health.down("leader, first poll not completed yet");
        }
        return ScalerHttpServer.Health.up(leader.leading() ? "leader" : "standby");
    }

    public boolean leading() {
        return leader.leading();
    }

    public boolean ready() {
        return readiness().ok();
    }

    public int port() {
        return port;
    }

    public ScalerLoop loop() {
        return loop;
    }

    public KubernetesStatusReporter reporter() {
        return reporter;
    }

    public ScalerMetrics metrics() {
        return metrics;
    }

    /** Graceful stop: no more actions, pending status written, lease released so a standby takes over at once. */
    @Override
    public void close() {
        loop.stopAndWait(Duration.ofSeconds(10));
        finalizer.close();
        reporter.close();
        leader.close();
        http.close();
        target.close();
        catalog.close();
        blocking.shutdown();
        try {
            blocking.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
