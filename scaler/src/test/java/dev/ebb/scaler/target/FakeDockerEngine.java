package dev.ebb.scaler.target;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The part of the Docker Engine API a Swarm scale target uses, as the API reference documents it: {@code GET
 * /services/{id}} answers {@code {ID, Version: {Index}, Spec}}; {@code POST /services/{id}/update?version=N} with a
 * spec replaces the spec and bumps the version when N is the current version, and answers "update out of sequence"
 * otherwise (HTTP 500 as older engines do, or 409 as newer ones do). One request per connection, over TCP or a Unix
 * socket.
 */
public final class FakeDockerEngine implements AutoCloseable {

    public record Request(String method, String path, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SERVICE = Pattern.compile("^/v1\\.41/services/([^/?]+)$");
    private static final Pattern UPDATE = Pattern.compile("^/v1\\.41/services/([^/?]+)/update\\?version=(\\d+)$");

    private final Map<String, ObjectNode> services = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private final AtomicInteger interfere = new AtomicInteger();
    private volatile int conflictStatus = 500;
    private volatile boolean chunked;
    private volatile CountDownLatch hang;
    private final AutoCloseable server;
    private final String endpoint;
    private final Thread acceptor;

    private FakeDockerEngine(AutoCloseable server, String endpoint, Thread acceptor) {
        this.server = server;
        this.endpoint = endpoint;
        this.acceptor = acceptor;
    }

    public static FakeDockerEngine tcp() throws IOException {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        FakeDockerEngine[] self = new FakeDockerEngine[1];
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    self[0].serve(s.getInputStream(), s.getOutputStream(), s);
                } catch (IOException e) {
                    return;
                }
            }
        }, "fake-docker-tcp");
        self[0] = new FakeDockerEngine(socket, "tcp://127.0.0.1:" + socket.getLocalPort(), t);
        t.setDaemon(true);
        t.start();
        return self[0];
    }

    public static FakeDockerEngine unix(Path socketPath) throws IOException {
        Files.deleteIfExists(socketPath);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(socketPath));
        FakeDockerEngine[] self = new FakeDockerEngine[1];
        Thread t = new Thread(() -> {
            while (channel.isOpen()) {
                try {
                    SocketChannel c = channel.accept();
                    self[0].serve(Channels.newInputStream(c), Channels.newOutputStream(c), c);
                } catch (IOException e) {
                    return;
                }
            }
        }, "fake-docker-unix");
        self[0] = new FakeDockerEngine(channel, "unix://" + socketPath, t);
        t.setDaemon(true);
        t.start();
        return self[0];
    }

    public String endpoint() {
        return endpoint;
    }

    /** A replicated service with a realistic spec (the fields a scale request must leave alone). */
    public FakeDockerEngine replicated(String name, String id, int replicas, long version) {
        ObjectNode service = JSON.createObjectNode();
        service.put("ID", id);
        service.putObject("Version").put("Index", version);
        ObjectNode spec = service.putObject("Spec");
        spec.put("Name", name);
        spec.putObject("Labels").put("com.example.team", "payments");
        ObjectNode task = spec.putObject("TaskTemplate");
        task.putObject("ContainerSpec").put("Image", "example/worker:1.2@sha256:abc")
                .putArray("Env").add("EBB_GROUP=" + name);
        task.put("ForceUpdate", 0);
        spec.putObject("Mode").putObject("Replicated").put("Replicas", replicas);
        spec.putObject("EndpointSpec").put("Mode", "vip");
        services.put(name, service);
        return this;
    }

    public FakeDockerEngine global(String name, String id) {
        ObjectNode service = JSON.createObjectNode();
        service.put("ID", id);
        service.putObject("Version").put("Index", 1);
        ObjectNode spec = service.putObject("Spec");
        spec.put("Name", name);
        spec.putObject("Mode").putObject("Global");
        services.put(name, service);
        return this;
    }

    /** Another writer updates the service right before each of the next {@code n} update requests arrives. */
    public void interfere(int n) {
        interfere.set(n);
    }

    public void conflictStatus(int status) {
        conflictStatus = status;
    }

    public void chunked() {
        chunked = true;
    }

    /** Requests are read but not answered until the latch opens. */
    public void hangUntil(CountDownLatch latch) {
        hang = latch;
    }

    public int replicas(String name) {
        return services.get(name).path("Spec").path("Mode").path("Replicated").path("Replicas").asInt();
    }

    public long version(String name) {
        return services.get(name).path("Version").path("Index").asLong();
    }

    public JsonNode spec(String name) {
        return services.get(name).get("Spec");
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    private void serve(InputStream in, OutputStream out, AutoCloseable connection) {
        try (connection) {
            Request request = read(in);
            synchronized (this) {
                requests.add(request);
            }
            CountDownLatch h = hang;
            if (h != null) {
                h.await();
                return;
            }
            answer(request, out);
        } catch (Exception e) {
            // the client went away; the next connection is served anyway
        }
    }

    private void answer(Request r, OutputStream out) throws IOException {
        Matcher get = SERVICE.matcher(r.path());
        Matcher update = UPDATE.matcher(r.path());
        if (r.method().equals("GET") && get.matches()) {
            ObjectNode service = find(get.group(1));
            if (service == null) {
                respond(out, 404, "{\"message\":\"service " + get.group(1) + " not found\"}");
            } else {
                respond(out, 200, JSON.writeValueAsString(service));
            }
            return;
        }
        if (r.method().equals("POST") && update.matches()) {
            ObjectNode service = find(update.group(1));
            if (service == null) {
                respond(out, 404, "{\"message\":\"service " + update.group(1) + " not found\"}");
                return;
            }
            synchronized (service) {
                if (interfere.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    bump(service);
                }
                long version = Long.parseLong(update.group(2));
                if (version != service.path("Version").path("Index").asLong()) {
                    respond(out, conflictStatus, "{\"message\":\"rpc error: code = Unknown desc = update out of "
                            + "sequence\"}");
                    return;
                }
                JsonNode spec = JSON.readTree(r.body());
                service.set("Spec", spec);
                bump(service);
            }
            respond(out, 200, "{\"Warnings\":[]}");
            return;
        }
        respond(out, 404, "{\"message\":\"page not found\"}");
    }

    private ObjectNode find(String nameOrId) {
        return services.values().stream().filter(s -> s.path("ID").asString().equals(nameOrId)
                || s.path("Spec").path("Name").asString().equals(nameOrId)).findFirst().orElse(null);
    }

    private static void bump(ObjectNode service) {
        ObjectNode v = (ObjectNode) service.get("Version");
        v.put("Index", v.get("Index").asLong() + 1);
    }

    private void respond(OutputStream out, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\n"
                + "Api-Version: 1.41\r\nServer: Docker/fake\r\n");
        if (chunked) {
            head.append("Transfer-Encoding: chunked\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            int half = bytes.length / 2;
            out.write((Integer.toHexString(half) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, 0, half);
            out.write(("\r\n" + Integer.toHexString(bytes.length - half) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, half, bytes.length - half);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            head.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
        }
        out.flush();
    }

    private static Request read(InputStream in) throws IOException {
        String requestLine = line(in);
        String[] parts = requestLine.split(" ");
        int length = 0;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return new Request(parts[0], parts[1], new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n' && c >= 0; c = in.read()) {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws Exception {
        CountDownLatch h = hang;
        if (h != null) {
            h.countDown();
        }
        server.close();
        acceptor.join(5000);
    }
}
