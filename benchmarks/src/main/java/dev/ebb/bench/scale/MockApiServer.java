package dev.ebb.bench.scale;

import dev.ebb.scaler.crd.ScaledWorkloadCrd;
import dev.ebb.scaler.k8s.MergePatchCrudDispatcher;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * fabric8's mock API server in CRUD mode, in a JVM of its own so that the scale benchmark measures the scaler's heap
 * alone, with the ScaledWorkload CRD installed and every request counted by {@link RequestKind}. Prints
 * {@code url <base URL>} when up; answers each {@code stats} line on its standard input with one
 * {@code stats KIND=count,...} line (cumulative counts); exits when its standard input closes.
 *
 * <p>One correction to the mock ({@link MergePatchCrudDispatcher}, from the scaler's tests): a JSON merge patch
 * replaces lists, as RFC 7386 and a real API server do. The CRUD mock appends list items instead, so every status
 * write of the scaler added its four conditions to the stored ScaledWorkload: after 10 min each one carried about 80
 * conditions, and the scaler's informer cache (and every watch event it decoded) grew with them, about 8 MiB a minute
 * with 3,000 workloads. That was the mock's growth, not the scaler's.
 */
public final class MockApiServer {

    private MockApiServer() {
    }

    /** The CRUD dispatcher, counting each request before handling it. */
    static final class CountingDispatcher extends MergePatchCrudDispatcher {
        final Map<RequestKind, LongAdder> counts = new EnumMap<>(RequestKind.class);

        CountingDispatcher() {
            for (RequestKind k : RequestKind.values()) {
                counts.put(k, new LongAdder());
            }
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            counts.get(RequestKind.classify(request.getMethod(), request.getPath())).increment();
            return super.dispatch(request);
        }

        String stats() {
            StringJoiner j = new StringJoiner(",");
            counts.forEach((k, v) -> j.add(k.name() + "=" + v.sum()));
            return j.toString();
        }
    }

    public static void main(String[] args) throws Exception {
        CountingDispatcher dispatcher = new CountingDispatcher();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            Path dir = Files.createTempDirectory("ebb-crd");
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                    .load(ScaledWorkloadCrd.generate(dir).toFile()).item();
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
        // The mock server records every request for takeRequest(); nobody takes them here, so drop them.
        Thread drain = new Thread(() -> {
            try {
                while (true) {
                    server.takeRequest(1, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "mock-api-drain");
        drain.setDaemon(true);
        drain.start();
        // If the benchmark dies without closing our standard input, do not outlive it.
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        Thread orphan = new Thread(() -> {
            while (parent != null && parent.isAlive()) {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Runtime.getRuntime().halt(0);
        }, "mock-api-orphan-check");
        orphan.setDaemon(true);
        orphan.start();
        System.out.println("url http://" + server.getHostName() + ":" + server.getPort());
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.trim().equals("stats")) {
                    System.out.println("stats " + dispatcher.stats());
                    System.out.flush();
                }
            }
        }
        server.destroy();
        System.exit(0);
    }
}
