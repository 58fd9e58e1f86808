package dev.ebb.scaler.local;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The terminal live view: one line per tick and workload with arrival rate, lag, time lag and desired/current
 * replicas; the decision's reason follows whenever it differs from the previous tick's, and every scale change or
 * failure is marked, so the log reads as the story of the run.
 */
public final class TerminalView {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final ZoneId zone;
    private final java.util.Map<String, String> lastReason = new java.util.HashMap<>();

    public TerminalView(PrintStream out) {
        this(out, ZoneId.systemDefault());
    }

    public TerminalView(PrintStream out, ZoneId zone) {
        this.out = out;
        this.zone = zone;
    }

    /** Subscribes to a live log; returns the unsubscribe action. */
    public Runnable attach(LiveLog log) {
        return log.subscribe(entry -> {
            if (entry instanceof LiveLog.Sampled s) {
                print(s.sample());
            } else if (entry instanceof LiveLog.Annotation a) {
                out.println(LocalTime.ofInstant(a.at(), zone).format(TIME) + " ── " + a.text() + " ──");
            }
        });
    }

    public synchronized void print(LiveSample s) {
        out.println(line(s));
    }

    /** The line for one tick (without trailing newline). */
    public synchronized String line(LiveSample s) {
        StringBuilder b = new StringBuilder();
        b.append(LocalTime.ofInstant(s.at(), zone).format(TIME)).append(' ');
        b.append(s.workload()).append("  ");
        b.append("in ").append(pad(s.arrivalRate().isPresent() ? rate(s.arrivalRate().getAsDouble()) : "–", 7));
        b.append("  lag ").append(pad(s.lag().isPresent() ? number(s.lag().getAsLong()) : "n/a", 8));
        b.append("  time lag ").append(pad(s.timeLag().map(TerminalView::seconds).orElse("–"), 6));
        b.append("  replicas ").append(s.desiredReplicas()).append('/').append(s.currentReplicas());
        String marker = switch (s.changed()) {
            case SCALED -> "  ▶ " + s.outcome();
            case FAILED -> "  ✖ " + s.outcome();
            case NONE -> "";
        };
        b.append(marker);
        String previous = lastReason.put(s.workload(), s.reason());
        if (s.changed() != LiveSample.Change.NONE || !s.reason().equals(previous)) {
            b.append("  · ").append(s.kind().isEmpty() ? "" : s.kind() + ": ").append(s.reason());
        }
        return b.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    private static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f/s", perSecond);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
}
