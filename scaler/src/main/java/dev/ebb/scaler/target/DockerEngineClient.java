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
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 client for the Docker Engine API: one request per fresh connection ({@code Connection: close})
 * over the engine's Unix socket or plain TCP, each bounded by a timeout (a watchdog closes a stalled connection),
 * answers capped at 4 MiB. Blocking: {@link SwarmScaleTarget} calls it on its own thread.
 */
final class DockerEngineClient implements AutoCloseable {

    private static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    private final Endpoint endpoint;
    private final Duration timeout;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ebb-swarm-timeout");
        t.setDaemon(true);
        return t;
    });

    DockerEngineClient(Endpoint endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
    }

    /** Where the engine listens. */
    sealed interface Endpoint permits Endpoint.Unix, Endpoint.Tcp {
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

    static final class EngineUnreachable extends RuntimeException {
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

    static String oneLine(String s) {
        String t = s.replaceAll("\\p{Cntrl}", " ");
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
