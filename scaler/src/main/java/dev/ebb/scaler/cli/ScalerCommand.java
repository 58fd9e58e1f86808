package dev.ebb.scaler.cli;

import dev.ebb.scaler.k8s.KubernetesScalerService;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.logging.EbbLogging;
import dev.ebb.logging.LogFormat;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ebb scaler}: the scaler service in a Kubernetes cluster. Watches ScaledWorkloads, elects a leader on a Lease,
 * scales targets through their scale subresource, serves /metrics, /healthz and /readyz. SIGTERM stops it gracefully
 * and releases the lease so a standby takes over at once.
 */
public final class ScalerCommand {

    /** What was typed; {@link #options()} checks it. Defaults that come from the environment are resolved there. */
    @Command(name = "ebb scaler", description = {
        "Runs the Ebb scaler in a Kubernetes cluster (in-cluster config, or ~/.kube/config outside).", ""})
    static final class Spec {
        @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
                description = "serve ScaledWorkloads of this namespace only (default: all namespaces)")
        String namespace;
        @Option(names = "--port", paramLabel = "N", description = "HTTP port for /metrics, /healthz, /readyz "
                + "(default 8080)")
        String port = "8080";
        @Option(names = "--bind-address", paramLabel = "IP", description = "address that port listens on (default "
                + "$EBB_BIND_ADDRESS, else 0.0.0.0: every interface, as the kubelet's probes and Prometheus need in a "
                + "pod)")
        String bindAddress;
        @Option(names = "--lease-name", paramLabel = "NAME", description = "Lease used for leader election "
                + "(default ebb-scaler)")
        String leaseName = "ebb-scaler";
        @Option(names = "--lease-namespace", paramLabel = "NS", description = "namespace of the Lease (default: "
                + "$POD_NAMESPACE, else the client's namespace)")
        String leaseNamespace;
        @Option(names = "--identity", paramLabel = "ID", description = "this instance's identity in the Lease "
                + "(default: $POD_NAME, else host name)")
        String identity;
        @Option(names = "--tick", paramLabel = "DURATION", description = "period of the control loop timer, e.g. "
                + "1s, 500ms (default 1s)")
        String tick = "1s";
        @Option(names = "--log-format", paramLabel = "text|json", description = "log lines as text or as JSON "
                + "objects, one per line (default: $EBB_LOG_FORMAT, else text)")
        String logFormat;

        private final Map<String, String> env;

        Spec(Map<String, String> env) {
            this.env = env;
        }

        Options options() {
            List<String> problems = new ArrayList<>();
            int p = -1;
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 0 || p > 65535) {
                problems.add("Invalid value " + port + " for --port: must be 0-65535");
            }
            Duration t = Duration.ofSeconds(1);
            try {
                t = Durations.parse("--tick", tick);
                if (t.isZero()) {
                    problems.add("Invalid value " + tick + " for --tick: must be > 0");
                }
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
            String bind = bindAddress != null ? bindAddress : env.getOrDefault("EBB_BIND_ADDRESS",
                    DEFAULT_BIND_ADDRESS);
            String bindSource = bindAddress == null && env.containsKey("EBB_BIND_ADDRESS") ? "EBB_BIND_ADDRESS"
                    : "--bind-address";
            if (!isIpLiteral(bind)) {
                problems.add("Invalid value '" + bind + "' for " + bindSource
                        + ": must be an IP address such as 0.0.0.0, 127.0.0.1 or ::");
            }
            Optional<LogFormat> format = Optional.empty();
            if (logFormat != null) {
                format = LogFormat.named(logFormat);
                if (format.isEmpty()) {
                    problems.add("Invalid value '" + logFormat + "' for --log-format: must be text or json");
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", problems));
            }
            String id = identity != null ? identity : env.get("POD_NAME");
            if (id == null || id.isBlank()) {
                id = hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
            }
            return new Options(namespace, p, leaseName, leaseNamespace, id, t, bind, format);
        }
    }

    private ScalerCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return run(args, System.getenv(), System.out, System.err);
    }

    /** @param logFormat as {@code --log-format} asked; empty: as {@code EBB_LOG_FORMAT} says */
    record Options(String namespace, int port, String leaseName, String leaseNamespace, String identity,
                   Duration tick, String bindAddress, Optional<LogFormat> logFormat) {
    }

    /** Default of {@code --bind-address}: every interface. */
    static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return Cli.run("scaler", args, out, err, a -> parse(a, env), options -> serve(options, env, out, err));
    }

    private static int serve(Options options, Map<String, String> env, PrintStream out, PrintStream err) {
        options.logFormat().ifPresent(EbbLogging::use);
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
        return Cli.parse(new Spec(env), args, Spec::options);
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

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "ebb-scaler";
        }
    }
}
