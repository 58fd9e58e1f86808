package dev.ebb.scaler.cli;

import dev.ebb.scaler.k8s.KubernetesScalerService;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.scaler.workload.spec.Durations;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ebb scaler}: the scaler service in a Kubernetes cluster. Watches ScaledWorkloads, elects a leader on a Lease,
 * scales targets through their scale subresource, serves /metrics, /healthz and /readyz. SIGTERM stops it gracefully
 * and releases the lease so a standby takes over at once.
 */
public final class ScalerCommand {

    static final String USAGE = """
            Usage: ebb scaler [options]

            Runs the Ebb scaler in a Kubernetes cluster (in-cluster config, or ~/.kube/config outside).

            Options:
              --namespace NS        serve ScaledWorkloads of this namespace only (default: all namespaces)
              --port N              HTTP port for /metrics, /healthz, /readyz (default 8080)
              --bind-address IP     address that port listens on (default $EBB_BIND_ADDRESS, else 0.0.0.0: every
                                    interface, as the kubelet's probes and Prometheus need in a pod)
              --lease-name NAME     Lease used for leader election (default ebb-scaler)
              --lease-namespace NS  namespace of the Lease (default: $POD_NAMESPACE, else the client's namespace)
              --identity ID         this instance's identity in the Lease (default: $POD_NAME, else host name)
              --tick DURATION       period of the control loop timer, e.g. 1s, 500ms (default 1s)
              -h, --help            show this help
            """;

    private ScalerCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return run(args, System.getenv(), System.out, System.err);
    }

    record Options(String namespace, int port, String leaseName, String leaseNamespace, String identity,
                   Duration tick, String bindAddress) {
    }

    /** Default of {@code --bind-address}: every interface. */
    static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args, env);
        } catch (HelpRequested h) {
            out.print(USAGE);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("ebb scaler: " + e.getMessage());
            err.println("Run 'ebb scaler --help' for usage.");
            return 2;
        }
        Vertx vertx = Vertx.vertx();
        KubernetesClient client;
        try {
            // One Vert.x for everything: the loop, the HTTP server and fabric8's HTTP client.
            // fabric8 retries 5xx/429 itself up to this many times; the scale target adds its own jittered retry.
            Config config = new ConfigBuilder(Config.autoConfigure(null)).withRequestRetryBackoffLimit(2).build();
            client = new KubernetesClientBuilder().withConfig(config)
                    .withHttpClientFactory(new Vertx5HttpClientFactory(vertx)).build();
        } catch (RuntimeException e) {
            err.println("ebb scaler: cannot configure the Kubernetes client: " + e.getMessage());
            vertx.close();
            return 1;
        }
        String leaseNamespace = options.leaseNamespace() != null ? options.leaseNamespace()
                : env.getOrDefault("POD_NAMESPACE", client.getNamespace() == null ? "default" : client.getNamespace());
        KubernetesScalerService.Settings settings = KubernetesScalerService.Settings
                .defaults(leaseNamespace, options.identity())
                .withWatchNamespace(options.namespace()).withLeaseName(options.leaseName())
                .withPort(options.port()).withHost(options.bindAddress()).withTick(options.tick());
        KubernetesScalerService service = new KubernetesScalerService(vertx, client,
                (cluster, config) -> new KafkaAdminLagSource(config), Clock.systemUTC(), settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            out.println("ebb scaler: shutting down, releasing the lease");
            service.close();
            client.close();
            try {
                vertx.close().await(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // exiting anyway
            }
            stopped.countDown();
        }, "ebb-scaler-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int port = service.start().await(30, TimeUnit.SECONDS);
            out.println("ebb scaler " + options.identity() + ": watching ScaledWorkloads in "
                    + (options.namespace() == null ? "all namespaces" : "namespace " + options.namespace())
                    + ", lease " + leaseNamespace + "/" + options.leaseName() + ", http " + options.bindAddress() + ":"
                    + port);
        } catch (Exception e) {
            err.println("ebb scaler: cannot start: " + e.getMessage());
            return 1;
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static Options parse(String[] args, Map<String, String> env) {
        String namespace = null;
        int port = 8080;
        String leaseName = "ebb-scaler";
        String leaseNamespace = null;
        String identity = env.get("POD_NAME");
        Duration tick = Duration.ofSeconds(1);
        String bindAddress = env.getOrDefault("EBB_BIND_ADDRESS", DEFAULT_BIND_ADDRESS);
        String bindSource = env.containsKey("EBB_BIND_ADDRESS") ? "EBB_BIND_ADDRESS" : "--bind-address";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> throw new HelpRequested();
                case "--namespace", "-n" -> namespace = value(args, ++i, a);
                case "--port" -> {
                    String v = value(args, ++i, a);
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                    if (port < 0 || port > 65535) {
                        throw new IllegalArgumentException("Invalid value " + v + " for --port: must be 0-65535");
                    }
                }
                case "--bind-address" -> {
                    bindAddress = value(args, ++i, a);
                    bindSource = "--bind-address";
                }
                case "--lease-name" -> leaseName = value(args, ++i, a);
                case "--lease-namespace" -> leaseNamespace = value(args, ++i, a);
                case "--identity" -> identity = value(args, ++i, a);
                case "--tick" -> {
                    String v = value(args, ++i, a);
                    tick = Durations.parse("--tick", v);
                    if (tick.isZero()) {
                        throw new IllegalArgumentException("Invalid value " + v + " for --tick: must be > 0");
                    }
                }
                default -> throw new IllegalArgumentException("Unknown option " + a);
            }
        }
        if (identity == null || identity.isBlank()) {
            identity = hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        }
        if (!isIpLiteral(bindAddress)) {
            throw new IllegalArgumentException("Invalid value '" + bindAddress + "' for " + bindSource
                    + ": must be an IP address such as 0.0.0.0, 127.0.0.1 or ::");
        }
        return new Options(namespace, port, leaseName, leaseNamespace, identity, tick, bindAddress);
    }

    /** An IPv4 or IPv6 literal: a host name would be resolved, and could resolve anywhere. */
    static boolean isIpLiteral(String s) {
        if (s.matches("(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}")) {
            return true;
        }
        // IPv6: groups of 1-4 hex digits, eight of them, or fewer around one "::".
        if (!s.matches("[0-9A-Fa-f:]{2,39}") || s.indexOf("::") != s.lastIndexOf("::")) {
            return false;
        }
        boolean compressed = s.contains("::");
        String[] halves = compressed ? s.split("::", -1) : new String[] {s};
        int groups = 0;
        for (String half : halves) {
            if (half.isEmpty()) {
                continue;
            }
            for (String g : half.split(":", -1)) {
                if (g.isEmpty() || g.length() > 4) {
                    return false;
                }
                groups++;
            }
        }
        return compressed ? groups <= 7 : groups == 8;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException("Missing value for " + option);
        }
        return args[i];
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "ebb-scaler";
        }
    }

    static final class HelpRequested extends RuntimeException {
        HelpRequested() {
            super(null, null, false, false);
        }
    }
}
