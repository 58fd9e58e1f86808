package dev.ebb.scaler;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Everything written to System.out, System.err and java.util.logging while it runs (still printed). */
public final class OutputCapture {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (bytes) {
                String line = r.getLevel() + " " + r.getLoggerName() + " " + new java.util.logging.SimpleFormatter()
                        .formatMessage(r) + (r.getThrown() == null ? "" : " " + r.getThrown()) + "\n";
                bytes.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    public static OutputCapture start() {
        OutputCapture c = new OutputCapture();
        System.setOut(new PrintStream(c.tee(c.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(c.tee(c.err), true, StandardCharsets.UTF_8));
        Logger.getLogger("").addHandler(c.handler);
        return c;
    }

    private OutputStream tee(PrintStream original) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (bytes) {
                    bytes.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (bytes) {
                    bytes.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
    }

    public void stop() {
        System.setOut(out);
        System.setErr(err);
        Logger.getLogger("").removeHandler(handler);
    }

    public String text() {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
