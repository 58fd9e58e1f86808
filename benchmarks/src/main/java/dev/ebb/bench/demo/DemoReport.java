package dev.ebb.bench.demo;

import dev.ebb.scaler.local.LiveJson;
import dev.ebb.scaler.local.LiveLog;
import dev.ebb.scaler.local.LiveSample;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Writes a run's summary as JSON and as a self-contained HTML page with an SVG chart (no scripts, no CDN). */
public final class DemoReport {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private DemoReport() {
    }

    /** Writes {@code summary.json} and {@code summary.html} into {@code dir}; returns the HTML file. */
    public static Path write(Path dir, DemoSummary summary, LiveLog log, String workload) throws IOException {
        Files.createDirectories(dir);
        List<LiveSample> samples = log.samples(workload);
        JsonArray series = new JsonArray();
        for (LiveSample s : samples) {
            series.add(LiveJson.sample(new LiveLog.Sampled(0, s)).put("seq", null));
        }
        JsonArray annotations = new JsonArray();
        log.annotations().forEach(a -> annotations.add(LiveJson.annotation(a)));
        JsonObject json = summary.toJson().put("samples", series).put("annotations", annotations);
        Files.writeString(dir.resolve("summary.json"), json.encodePrettily() + "\n");
        Path html = dir.resolve("summary.html");
        Files.writeString(html, html(summary, samples, log.annotations()));
        return html;
    }

    static String html(DemoSummary summary, List<LiveSample> samples, List<LiveLog.Annotation> annotations) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ebb demo summary</title>\n")
                .append("<style>body{font-family:system-ui,sans-serif;margin:1rem 2rem;color:#1d2733}")
                .append("table{border-collapse:collapse;font-size:.9rem}td,th{padding:3px 10px;")
                .append("border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top}")
                .append("svg text{font-size:11px;fill:#52606d}.lost{color:#c53030;font-weight:bold}</style>")
                .append("</head><body>\n<h1>Ebb demo summary</h1>\n<pre>")
                .append(escape(summary.text())).append("</pre>\n");
        b.append(chart(samples, annotations));
        b.append("<p><span style=\"color:#3182ce\">━ lag</span> &nbsp; <span style=\"color:#2f855a\">━ current ")
                .append("replicas</span> &nbsp; <span style=\"color:#dd6b20\">╌ desired replicas</span></p>\n");
        b.append("<h2>Decision log</h2>\n<table><tr><th>time</th><th>replicas</th><th>outcome</th>")
                .append("<th>reason</th></tr>\n");
        for (LiveSample s : samples) {
            if (s.changed() != LiveSample.Change.NONE) {
                b.append("<tr><td>").append(time(s.at())).append("</td><td>").append(s.desiredReplicas())
                        .append("</td><td>").append(escape(s.outcome())).append("</td><td>")
                        .append(escape(s.reason())).append("</td></tr>\n");
            }
        }
        b.append("</table>\n</body></html>\n");
        return b.toString();
    }

    static String chart(List<LiveSample> samples, List<LiveLog.Annotation> annotations) {
        int w = 900;
        int h = 300;
        int left = 60;
        int right = 40;
        int top = 12;
        int bottom = 26;
        if (samples.isEmpty()) {
            return "<p>No ticks were recorded.</p>\n";
        }
        long t0 = samples.get(0).at().toEpochMilli();
        long t1 = Math.max(samples.get(samples.size() - 1).at().toEpochMilli(), t0 + 1000);
        long lagMax = Math.max(1, samples.stream().mapToLong(s -> s.lag().orElse(0)).max().orElse(1));
        int repMax = Math.max(2, samples.stream().mapToInt(s -> Math.max(s.desiredReplicas(),
                s.currentReplicas())).max().orElse(2));
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                + "xmlns=\"http://www.w3.org/2000/svg\" data-points=\"%d\">\n", w, h, w, h, samples.size()));
        for (int i = 0; i <= 4; i++) {
            double y = top + (h - top - bottom) * (1 - i / 4.0);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"#e4e7eb\"/>", left, w - right, y, y));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%,d</text>",
                    left - 6, y + 4, lagMax * i / 4));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\">%.1f</text>\n", w - right + 6, y + 4,
                    repMax * i / 4.0));
        }
        double span = t1 - t0;
        long stepMs = span > 300_000 ? 60_000 : span > 120_000 ? 30_000 : 10_000;
        for (long t = 0; t <= span; t += stepMs) {
            double x = left + (w - left - right) * t / span;
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">+%ds</text>",
                    x, h - 8, t / 1000));
        }
        int shown = 0;
        for (LiveLog.Annotation a : annotations) {
            long t = a.at().toEpochMilli();
            if (t < t0 || t > t1) {
                continue;
            }
            double x = left + (w - left - right) * (t - t0) / span;
            // Labels of phases close together would overlap: step them down.
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#a0aec0\" "
                    + "stroke-dasharray=\"3,3\"/><text x=\"%.1f\" y=\"%d\">%s</text>\n", x, x, top, h - bottom,
                    x + 3, top + 10 + 13 * (shown++ % 3), escape(a.text())));
        }
        StringBuilder lag = new StringBuilder();
        StringBuilder current = new StringBuilder();
        StringBuilder desired = new StringBuilder();
        LiveSample previous = null;
        for (LiveSample s : samples) {
            double x = left + (w - left - right) * (s.at().toEpochMilli() - t0) / span;
            if (s.lag().isPresent()) {
                double y = top + (h - top - bottom) * (1 - (double) s.lag().getAsLong() / lagMax);
                lag.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            if (previous != null) {
                current.append(point(x, previous.currentReplicas(), repMax, top, h, bottom));
                desired.append(point(x, previous.desiredReplicas(), repMax, top, h, bottom));
            }
            current.append(point(x, s.currentReplicas(), repMax, top, h, bottom));
            desired.append(point(x, s.desiredReplicas(), repMax, top, h, bottom));
            previous = s;
        }
        b.append("<polyline fill=\"none\" stroke=\"#3182ce\" stroke-width=\"2\" points=\"").append(lag.toString().trim())
                .append("\"/>\n");
        b.append("<polyline fill=\"none\" stroke=\"#dd6b20\" stroke-width=\"1.5\" stroke-dasharray=\"5,3\" points=\"")
                .append(desired.toString().trim()).append("\"/>\n");
        b.append("<polyline fill=\"none\" stroke=\"#2f855a\" stroke-width=\"2.5\" points=\"")
                .append(current.toString().trim()).append("\"/>\n");
        b.append("</svg>\n");
        return b.toString();
    }

    private static String point(double x, int replicas, int repMax, int top, int h, int bottom) {
        double y = top + (h - top - bottom) * (1 - (double) replicas / repMax);
        return String.format(Locale.ROOT, "%.1f,%.1f ", x, y);
    }

    private static String time(Instant at) {
        return LocalTime.ofInstant(at, ZoneId.systemDefault()).format(TIME);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
