package dev.ebb.scaler.target;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Docker Swarm services as scale targets, through the Docker Engine API: {@code GET /services/{id}} reads the
 * service's spec and version, {@code POST /services/{id}/update?version=N} writes the spec back with the new
 * {@code Mode.Replicated.Replicas}. When another writer updated the service in between, the engine refuses the stale
 * version ("update out of sequence", HTTP 409 or 500 depending on the engine's version); the target then reads the
 * service again and retries, a bounded number of times.
 *
 * <p>The engine is reached over its Unix socket ({@code unix:///var/run/docker.sock}) or plain TCP
 * ({@code tcp://127.0.0.1:2375}) with a small HTTP/1.1 client (one connection per request). TLS-protected TCP
 * endpoints are not supported. Targets are matched by {@code scaleTargetRef.name} to a service name or id given
 * when the pool is registered; names are validated so that no text from a workload ever becomes part of a URL path
 * beyond one checked segment.
 *
 * <p>Every request runs on this target's own thread; the returned stages never block the caller.
 *
 * <p>Tested against a local fake of the Engine API ({@code FakeDockerEngine}); never run against a real Swarm.
 */
public final class SwarmScaleTarget implements ScaleTarget, AutoCloseable {

    /** Docker service names and ids: a letter or digit first, then letters, digits, '_', '.', '-'. */
    private static final Pattern SERVICE = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$");
    /** Engine API 1.41 (Docker 20.10) has every field used here; newer engines serve older versions. */
    static final String API = "/v1.41";
    static final int MAX_ATTEMPTS = 4;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DockerEngineClient engine;
    private final DockerEngineClient.Endpoint endpoint;
    private final Map<String, String> services;
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ebb-swarm");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param endpoint e.g. {@code unix:///var/run/docker.sock} or {@code tcp://127.0.0.1:2375}
     * @param services pool name ({@code scaleTargetRef.name}) → Swarm service name or id
     * @param timeout for one request (connect, write, read)
     */
    public SwarmScaleTarget(String endpoint, Map<String, String> services, Duration timeout) {
        this.endpoint = DockerEngineClient.Endpoint.parse(endpoint);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("Invalid value " + timeout + " for timeout: must be > 0");
        }
        this.engine = new DockerEngineClient(this.endpoint, timeout);
        Map<String, String> copy = new LinkedHashMap<>();
        services.forEach((pool, service) -> copy.put(pool, validService(service)));
        this.services = Map.copyOf(copy);
    }

    /** Checks a service name or id, the only text from outside that goes into a request path. */
    public static String validService(String service) {
        if (service == null || !SERVICE.matcher(service).matches()) {
            throw new IllegalArgumentException("Invalid value '" + service + "' for swarm service: must be a "
                    + "Docker service name or id (a letter or digit, then letters, digits, '_', '.' or '-'; at most "
                    + "63 characters)");
        }
        return service;
    }

    @Override
    public CompletionStage<Integer> currentReplicas(TargetRef target) {
        String service = services.get(target.name());
        if (service == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(missing(target)));
        }
        return submit(() -> {
            Service s = read(service);
            if (s.error() != null) {
                throw new IllegalStateException(s.error().message());
            }
            return s.replicas();
        });
    }

    @Override
    public CompletionStage<ScaleOutcome> scale(TargetRef target, int replicas, String reason) {
        String service = services.get(target.name());
        if (service == null) {
            return CompletableFuture.completedFuture(new ScaleOutcome.Failed(FailureKind.NOT_FOUND, missing(target)));
        }
        if (replicas < 0) {
            return CompletableFuture.completedFuture(new ScaleOutcome.Failed(FailureKind.INVALID, "Invalid value "
                    + replicas
                    + " for replicas: must be >= 0"));
        }
        return submit(() -> scaleNow(service, replicas)).exceptionally(e -> new ScaleOutcome.Failed(FailureKind.IO,
                "Swarm service " + service + " at " + endpoint + ": " + rootMessage(e)));
    }

    private ScaleOutcome scaleNow(String service, int replicas) {
        for (int attempt = 1; ; attempt++) {
            Service s = read(service);
            if (s.error() != null) {
                return s.error();
            }
            if (s.replicas() == replicas) {
                return new ScaleOutcome.Unchanged(replicas);
            }
            ObjectNode spec = s.spec().deepCopy();
            ((ObjectNode) spec.get("Mode").get("Replicated")).put("Replicas", replicas);
            DockerEngineClient.Response r = engine.exchange("POST", API + "/services/" + service
                    + "/update?version=" + s.version(), JSON.writeValueAsString(spec));
            if (r.status() == 200) {
                return new ScaleOutcome.Scaled(s.replicas(), replicas);
            }
            if (outOfSequence(r)) {
                if (attempt < MAX_ATTEMPTS) {
                    continue; // someone else updated the service since we read it: read it again
                }
                return new ScaleOutcome.Failed(FailureKind.CONFLICT, "Swarm service " + service + " at " + endpoint
                        + ": update out of sequence " + MAX_ATTEMPTS + " times in a row (another writer keeps "
                        + "updating it); will retry on the next tick");
            }
            return failure(service, r);
        }
    }

    /** The service's spec, version and replicas, or the outcome that explains why they cannot be had. */
    private record Service(ObjectNode spec, long version, int replicas, ScaleOutcome.Failed error) {
    }

    private Service read(String service) {
        DockerEngineClient.Response r = engine.exchange("GET", API + "/services/" + service, null);
        if (r.status() != 200) {
            return new Service(null, 0, 0, failure(service, r));
        }
        JsonNode root;
        try {
            root = JSON.readTree(r.body());
        } catch (JacksonException e) {
            return new Service(null, 0, 0, new ScaleOutcome.Failed(FailureKind.SERVER_ERROR, "Swarm service "
                    + service + " at "
                    + endpoint + ": the engine's answer is not JSON"));
        }
        JsonNode version = root.path("Version").path("Index");
        JsonNode spec = root.path("Spec");
        JsonNode replicated = spec.path("Mode").path("Replicated");
        if (!version.canConvertToLong() || !(spec instanceof ObjectNode objectSpec)) {
            return new Service(null, 0, 0, new ScaleOutcome.Failed(FailureKind.SERVER_ERROR, "Swarm service " + service
                    + " at " + endpoint + ": the engine's answer has no Version.Index or Spec"));
        }
        if (!replicated.isObject()) {
            String mode = spec.path("Mode").propertyNames().stream().findFirst().orElse("unknown");
            return new Service(null, 0, 0, new ScaleOutcome.Failed(FailureKind.INVALID, "Swarm service "
                    + service + " is in "
                    + mode + " mode: only replicated services can be scaled"));
        }
        JsonNode replicas = replicated.path("Replicas");
        return new Service(objectSpec, version.asLong(), replicas.isMissingNode() ? 1 : replicas.asInt(), null);
    }

    /** Docker answers a stale version with "update out of sequence": 500 from older engines, 409 from newer ones. */
    static boolean outOfSequence(DockerEngineClient.Response r) {
        return (r.status() == 409 || r.status() == 500)
                && r.body().toLowerCase(Locale.ROOT).contains("update out of sequence");
    }

    private ScaleOutcome.Failed failure(String service, DockerEngineClient.Response r) {
        String where = "Swarm service " + service + " at " + endpoint + ": ";
        String message = engineMessage(r);
        return switch (r.status()) {
            case 404 -> new ScaleOutcome.Failed(FailureKind.NOT_FOUND, where + "not found (" + message + ")");
            case 401, 403 -> new ScaleOutcome.Failed(FailureKind.FORBIDDEN, where + "refused (" + message + ")");
            case 409 -> new ScaleOutcome.Failed(FailureKind.CONFLICT, where + message);
            case 503 -> new ScaleOutcome.Failed(FailureKind.SERVER_ERROR, where + message
                    + " (is this node a swarm manager?)");
            default -> new ScaleOutcome.Failed(r.status() >= 500 ? FailureKind.SERVER_ERROR : FailureKind.INVALID,
                    where + "HTTP "
                    + r.status() + " (" + message + ")");
        };
    }

    private static String engineMessage(DockerEngineClient.Response r) {
        try {
            JsonNode m = JSON.readTree(r.body()).path("message");
            if (m.isString()) {
                return DockerEngineClient.oneLine(m.asString());
            }
        } catch (JacksonException e) {
            // not JSON: fall through
        }
        return "HTTP " + r.status();
    }

    private <T> CompletableFuture<T> submit(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, io);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("Swarm target closed"));
        }
    }

    private String missing(TargetRef target) {
        return "No Swarm service for '" + target.name() + "'; map it with --swarm " + target.name() + "=SERVICE";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof DockerEngineClient.EngineUnreachable)
                && t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        if (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return DockerEngineClient.oneLine(t.getMessage() == null ? t.toString() : t.getMessage());
    }

    @Override
    public void close() {
        io.shutdownNow();
        engine.close();
    }

    @Override
    public String toString() {
        return "SwarmScaleTarget[" + endpoint + ", " + services + "]";
    }
}
