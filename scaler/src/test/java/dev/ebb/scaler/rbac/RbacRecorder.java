package dev.ebb.scaler.rbac;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The mock API server's CRUD dispatcher, plus the RBAC check the mock does not do: every request a client made with
 * {@link #scalerClient} (the scaler under test, marked by its User-Agent) is evaluated against deploy/'s rules for
 * the scaler's ServiceAccount. A refused request is answered 403 as the real API server would, and
 * {@link #assertAllAllowed()} fails the test naming it. Requests of the test's own clients (setup, assertions) are not
 * evaluated. What the scaler used is added to a JVM-wide ledger that {@code RbacCoverageIT} checks for unused rules.
 *
 * <p>Use: {@code RbacRecorder rbac = new RbacRecorder(getClass()); server = rbac.newServer();} then build the
 * scaler's client with {@code rbac.scalerClient(server, factory)} and call {@code rbac.assertAllAllowed()} after
 * each test.
 */
public final class RbacRecorder extends KubernetesCrudDispatcher {

    /** Marks the scaler's requests. */
    public static final String SCALER_USER_AGENT = "ebb-scaler-under-rbac-test";

    /** verb group/resource → one request that used it, over every recorder in this JVM. */
    private static final Map<String, String> USED = new ConcurrentHashMap<>();
    /** Test classes that recorded requests in this JVM. */
    private static final Set<String> SOURCES = ConcurrentHashMap.newKeySet();

    private final String source;
    private volatile RbacPolicy policy;
    private final List<ApiRequest> requests = new CopyOnWriteArrayList<>();
    private final List<ApiRequest> refused = new CopyOnWriteArrayList<>();

    public RbacRecorder(Class<?> testClass) {
        this(testClass, RbacPolicy.shipped());
    }

    public RbacRecorder(Class<?> testClass, RbacPolicy policy) {
        this.source = testClass.getName();
        this.policy = policy;
    }

    /** Adds rules an operator grants besides deploy/'s, e.g. {@link RbacPolicy#secretReader}. */
    public void grant(RbacPolicy more) {
        policy = policy.plus(more);
    }

    /** A mock API server in CRUD mode that dispatches through this recorder. */
    public KubernetesMockServer newServer() {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                this, false);
        server.init();
        return server;
    }

    /** A client whose requests are evaluated as the scaler's ServiceAccount's. */
    public static NamespacedKubernetesClient scalerClient(KubernetesMockServer server, HttpClient.Factory factory) {
        return server.createClient(b -> {
            if (factory != null) {
                b.withHttpClientFactory(factory);
            }
            b.editOrNewConfig().withUserAgent(SCALER_USER_AGENT).endConfig();
        });
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (SCALER_USER_AGENT.equals(request.getHeader("User-Agent"))) {
            ApiRequest r = ApiRequest.of(request.getMethod(), request.getPath());
            requests.add(r);
            SOURCES.add(source);
            if (!policy.allows(r)) {
                if (refused.stream().noneMatch(x -> RbacPolicy.unitOf(x).equals(RbacPolicy.unitOf(r)))) {
                    // At once, too: a refused request usually makes the test time out before assertAllAllowed runs.
                    System.err.println("RBAC: deploy/rbac refuses " + r);
                }
                refused.add(r);
                return new MockResponse().setResponseCode(403).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                        + "\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403,\"message\":\"(ebb RBAC test) "
                        + "forbidden: User \\\"system:serviceaccount:ebb-system:ebb-scaler\\\" cannot " + r.verb()
                        + " resource\"}");
            }
            if (r.isResourceRequest()) {
                USED.putIfAbsent(RbacPolicy.unitOf(r), source + ": " + r);
            }
        }
        return super.dispatch(request);
    }

    /** Every request the scaler made through this recorder. */
    public List<ApiRequest> requests() {
        return List.copyOf(requests);
    }

    /** Fails naming each request deploy/'s RBAC would refuse. */
    public void assertAllAllowed() {
        if (!refused.isEmpty()) {
            StringBuilder sb = new StringBuilder("deploy/rbac refuses requests the scaler made (add the verb to the "
                    + "rule, or change the code):");
            for (ApiRequest r : refused.stream().distinct().toList()) {
                sb.append("\n  ").append(r);
            }
            throw new AssertionError(sb.toString());
        }
    }

    /** verb group/resource units the scaler used in this JVM, with an example request each. */
    static Map<String, String> used() {
        return Map.copyOf(USED);
    }

    static Set<String> sources() {
        return Set.copyOf(SOURCES);
    }

}
