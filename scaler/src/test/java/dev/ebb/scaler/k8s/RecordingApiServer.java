package dev.ebb.scaler.k8s;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * fabric8's mock API server in CRUD mode that records every request it receives (method, path, body), answers API
 * discovery as a real server does for the core group, {@code apps/v1} and {@code rbac.authorization.k8s.io/v1} (the
 * CRUD mock alone answers none), and can be told to answer given requests with given responses first (403, 429, 5xx,
 * a custom kind's Scale). A merge patch replaces lists, as a real API server's does ({@link MergePatchCrudDispatcher}).
 */
final class RecordingApiServer extends MergePatchCrudDispatcher {

    /** One request as the server received it. */
    record Request(String method, String path, String body) {
        /** The path without its query. */
        String resourcePath() {
            int q = path.indexOf('?');
            return q < 0 ? path : path.substring(0, q);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, String> discovery = new ConcurrentHashMap<>();
    private final Map<String, Deque<MockResponse>> canned = new ConcurrentHashMap<>();
    private KubernetesMockServer server;

    RecordingApiServer() {
        discovery.put("/api/v1", resources("v1",
                res("pods", "Pod", true), res("nodes", "Node", false), res("namespaces", "Namespace", false),
                res("secrets", "Secret", true), res("replicationcontrollers", "ReplicationController", true),
                res("replicationcontrollers/scale", "Scale", true)));
        discovery.put("/apis/apps/v1", resources("apps/v1",
                res("deployments", "Deployment", true), res("deployments/scale", "Scale", true),
                res("statefulsets", "StatefulSet", true), res("statefulsets/scale", "Scale", true),
                res("daemonsets", "DaemonSet", true)));
        discovery.put("/apis/rbac.authorization.k8s.io/v1", resources("rbac.authorization.k8s.io/v1",
                res("clusterroles", "ClusterRole", false), res("roles", "Role", true)));
    }

    /** Starts the server; {@link #server()} gives it. */
    RecordingApiServer start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), this, false);
        server.init();
        return this;
    }

    KubernetesMockServer server() {
        return server;
    }

    void stop() {
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // The mock's own Vert.x gives itself 10 s to close; on a loaded 2-core machine it sometimes needs more.
            // That is the mock's teardown, not the behaviour under test, so it must not fail the test.
            if (!(e.getCause() instanceof java.util.concurrent.TimeoutException)) {
                throw e;
            }
            System.err.println("RecordingApiServer: mock API server still closing after its timeout: " + e);
        }
    }

    /** Serves an {@code APIResourceList} at {@code /apis/<groupVersion>}. */
    void discover(String groupVersion, String... resources) {
        discovery.put("/apis/" + groupVersion, resources(groupVersion, resources));
    }

    /** The next request {@code method path} (path without query) is answered with {@code code} and {@code body}. */
    void answerOnce(String method, String path, int code, String body) {
        canned.computeIfAbsent(method + " " + path, k -> new ArrayDeque<>())
                .add(new MockResponse().setResponseCode(code).setBody(body));
    }

    /** Every request {@code method path} is answered with {@code code} and {@code body}. */
    void answerAlways(String method, String path, int code, String body) {
        for (int i = 0; i < 1000; i++) {
            answerOnce(method, path, code, body);
        }
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    void forget() {
        requests.clear();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
        Request r = new Request(request.getMethod(), request.getPath(),
                new String(body, java.nio.charset.StandardCharsets.UTF_8));
        requests.add(r);
        Deque<MockResponse> queue = canned.get(r.method() + " " + r.resourcePath());
        if (queue != null) {
            synchronized (queue) {
                MockResponse next = queue.poll();
                if (next != null) {
                    return next;
                }
            }
        }
        if ("GET".equals(r.method()) && discovery.containsKey(r.resourcePath())) {
            return new MockResponse().setResponseCode(200).setBody(discovery.get(r.resourcePath()));
        }
        return super.dispatch(request);
    }

    static String res(String name, String kind, boolean namespaced) {
        return "{\"name\":\"" + name + "\",\"kind\":\"" + kind + "\",\"namespaced\":" + namespaced
                + ",\"verbs\":[\"get\",\"list\",\"watch\",\"patch\"]}";
    }

    private static String resources(String groupVersion, String... resources) {
        return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"" + groupVersion
                + "\",\"resources\":[" + String.join(",", resources) + "]}";
    }

    static String scale(String ns, String name, int replicas, String resourceVersion) {
        return "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"" + ns + "\",\"resourceVersion\":\"" + resourceVersion + "\"},\"spec\":"
                + "{\"replicas\":" + replicas + "},\"status\":{\"replicas\":" + replicas + "}}";
    }

    static String status(int code, String reason) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"" + reason
                + "\",\"code\":" + code + "}";
    }
}
