package dev.ebb.scaler.target;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
    private static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Endpoint endpoint;
    private final Map<String, String> services;
    private final Duration timeout;
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ebb-swarm");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ebb-swarm-timeout");
        t.setDaemon(true);
        return t;
    });

    /** Where the engine listens. */
    public sealed interface Endpoint permits Endpoint.Unix, Endpoint.Tcp {
        /** {@code unix:///path/to/docker.sock} */
        record Unix(Path socket) implements Endpoint {
            @Override
            public String toString() {
                return "unix://" + socket;
            }
        }

        /** {@code tcp://host:port} (no TLS) */
        record Tcp(String host, int port) implements Endpoint {
            @Override
            public String toString() {
                return "tcp://" + host + ":" + port;
            }
        }

        /** Parses {@code unix:///var/run/docker.sock}, {@code tcp://host:port} or {@code http://host:port}. */
        static Endpoint parse(String text) {
            String rule = ": must be unix:///path/to/docker.sock or tcp://host:port";
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("Invalid value '" + text + "' for docker endpoint" + rule);
            }
            String t = text.trim();
            if (t.startsWith("unix://")) {
                String path = t.substring("unix://".length());
                if (!path.startsWith("/") || path.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("Invalid value '" + text + "' for docker endpoint" + rule);
                }
                return new Unix(Path.of(path));
            }
            if (t.startsWith("tcp://") || t.startsWith("http://")) {
                URI uri;
                try {
                    uri = URI.create("http://" + t.substring(t.indexOf("://") + 3));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Invalid value '" + text + "' for docker endpoint" + rule);
                }
                if (uri.getHost() == null || uri.getPort() < 1 || (uri.getPath() != null && !uri.getPath().isEmpty()
                        && !uri.getPath().equals("/")) || uri.getQuery() != null || uri.getUserInfo() != null) {
                    throw new IllegalArgumentException("Invalid value '" + text + "' for docker endpoint" + rule);
                }
                return new Tcp(uri.getHost(), uri.getPort());
            }
            if (t.startsWith("https://") || t.startsWith("ssh://")) {
                throw new IllegalArgumentException("Invalid value '" + text + "' for docker endpoint: TLS and ssh "
                        + "endpoints are not supported; use the Unix socket or a plain TCP endpoint on the manager");
            }
            throw new IllegalArgumentException("Invalid value '" + text + "' for docker endpoint" + rule);
        }
    }

    /**
     * @param endpoint e.g. {@code unix:///var/run/docker.sock} or {@code tcp://127.0.0.1:2375}
     * @param services pool name ({@code scaleTargetRef.name}) → Swarm service name or id
     * @param timeout for one request (connect, write, read)
     */
    public SwarmScaleTarget(String endpoint, Map<String, String> services, Duration timeout) {
        this.endpoint = Endpoint.parse(endpoint);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("Invalid value " + timeout + " for timeout: must be > 0");
        }
        this.timeout = timeout;
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
            return CompletableFuture.completedFuture(new ScaleOutcome.Failed(FailureKind.INVALID, "Invalid value " + replicas
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
            Response r = exchange("POST", API + "/services/" + service + "/update?version=" + s.version(),
                    JSON.writeValueAsString(spec));
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
        Response r = exchange("GET", API + "/services/" + service, null);
        if (r.status() != 200) {
            return new Service(null, 0, 0, failure(service, r));
        }
        JsonNode root;
        try {
            root = JSON.readTree(r.body());
        } catch (JacksonException e) {
            return new Service(null, 0, 0, new ScaleOutcome.Failed(FailureKind.SERVER_ERROR, "Swarm service " + service + " at "
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
            return new Service(null, 0, 0, new ScaleOutcome.Failed(FailureKind.INVALID, "Swarm service " + service + " is in "
                    + mode + " mode: only replicated services can be scaled"));
        }
        JsonNode replicas = replicated.path("Replicas");
        return new Service(objectSpec, version.asLong(), replicas.isMissingNode() ? 1 : replicas.asInt(), null);
    }

    /** Docker answers a stale version with "update out of sequence": 500 from older engines, 409 from newer ones. */
    static boolean outOfSequence(Response r) {
        return (r.status() == 409 || r.status() == 500)
                && r.body().toLowerCase(Locale.ROOT).contains("update out of sequence");
    }

    private ScaleOutcome.Failed failure(String service, Response r) {
        String where = "Swarm service " + service + " at " + endpoint + ": ";
        String message = engineMessage(r);
        return switch (r.status()) {
            case 404 -> new ScaleOutcome.Failed(FailureKind.NOT_FOUND, where + "not found (" + message + ")");
            case 401, 403 -> new ScaleOutcome.Failed(FailureKind.FORBIDDEN, where + "refused (" + message + ")");
            case 409 -> new ScaleOutcome.Failed(FailureKind.CONFLICT, where + message);
            case 503 -> new ScaleOutcome.Failed(FailureKind.SERVER_ERROR, where + message
                    + " (is this node a swarm manager?)");
            default -> new ScaleOutcome.Failed(r.status() >= 500 ? FailureKind.SERVER_ERROR : FailureKind.INVALID, where + "HTTP "
                    + r.status() + " (" + message + ")");
        };
    }

    private static String engineMessage(Response r) {
        try {
            JsonNode m = JSON.readTree(r.body()).path("message");
            if (m.isString()) {
                return oneLine(m.asString());
            }
        } catch (JacksonException e) {
            // not JSON: fall through
        }
        return "HTTP " + r.status();
    }

    record Response(int status, String body) {
    }

    /** One HTTP/1.1 request on a fresh connection ({@code Connection: close}). */
    Response exchange(String method, String path, String body) {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder().append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: docker\r\n").append("User-Agent: ebb-scaler\r\n").append("Accept: application/json\r\n")
                .append("Connection: close\r\n");
        if (body != null) {
            head.append("Content-Type: application/json\r\n");
        }
        head.append("Content-Length: ").append(payload.length).append("\r\n\r\n");
        try (Connection c = connect()) {
            ScheduledFuture<?> deadline = watchdog.schedule(c::abort, timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                OutputStream out = c.output();
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                out.write(payload);
                out.flush();
                return readResponse(c.input());
            } finally {
                deadline.cancel(false);
            }
        } catch (IOException e) {
            throw new EngineUnreachable("cannot talk to the Docker engine at " + endpoint + ": " + e.getMessage(), e);
        }
    }

    private static final class EngineUnreachable extends RuntimeException {
        EngineUnreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private interface Connection extends AutoCloseable {
        InputStream input() throws IOException;

        OutputStream output() throws IOException;

        void abort();

        @Override
        void close() throws IOException;
    }

    private Connection connect() throws IOException {
        if (endpoint instanceof Endpoint.Unix unix) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(unix.socket()));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            InputStream in = Channels.newInputStream(channel);
            OutputStream out = Channels.newOutputStream(channel);
            return new Connection() {
                public InputStream input() {
                    return in;
                }

                public OutputStream output() {
                    return out;
                }

                public void abort() {
                    try {
                        channel.close();
                    } catch (IOException e) {
                        // closing to unblock a read; nothing else to do
                    }
                }

                public void close() throws IOException {
                    channel.close();
                }
            };
        }
        Endpoint.Tcp tcp = (Endpoint.Tcp) endpoint;
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(tcp.host(), tcp.port()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new Connection() {
            public InputStream input() throws IOException {
                return socket.getInputStream();
            }

            public OutputStream output() throws IOException {
                return socket.getOutputStream();
            }

            public void abort() {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing to unblock a read; nothing else to do
                }
            }

            public void close() throws IOException {
                socket.close();
            }
        };
    }

    /** Status line, headers, then a body by Content-Length, chunked encoding, or until the connection closes. */
    static Response readResponse(InputStream raw) throws IOException {
        InputStream in = new java.io.BufferedInputStream(raw);
        String status = line(in);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + oneLine(status));
        }
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + oneLine(status));
        }
        long length = -1;
        boolean chunked = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IOException("bad Content-Length: " + oneLine(value));
                }
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                String size = line(in);
                int semi = size.indexOf(';');
                long n;
                try {
                    n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size: " + oneLine(size));
                }
                if (n == 0) {
                    break;
                }
                copy(in, body, n);
                line(in);
            }
        } else if (length >= 0) {
            copy(in, body, length);
        } else {
            copy(in, body, Long.MAX_VALUE);
        }
        return new Response(code, body.toString(StandardCharsets.UTF_8));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out, long n) throws IOException {
        byte[] buf = new byte[8192];
        long left = n;
        while (left > 0) {
            int read = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (read < 0) {
                if (n == Long.MAX_VALUE) {
                    return;
                }
                throw new IOException("connection closed in the middle of the answer");
            }
            if (out.size() + read > MAX_RESPONSE_BYTES) {
                throw new IOException("answer larger than " + MAX_RESPONSE_BYTES + " bytes");
            }
            out.write(buf, 0, read);
            left -= read;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                if (sb.length() == 0) {
                    throw new IOException("connection closed before the answer");
                }
                break;
            }
            if (sb.length() > 16 * 1024) {
                throw new IOException("header line too long");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
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
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof EngineUnreachable)
                && t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        if (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return oneLine(t.getMessage() == null ? t.toString() : t.getMessage());
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\p{Cntrl}", " ");
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    @Override
    public void close() {
        io.shutdownNow();
        watchdog.shutdownNow();
    }

    @Override
    public String toString() {
        return "SwarmScaleTarget[" + endpoint + ", " + services + "]";
    }
}
