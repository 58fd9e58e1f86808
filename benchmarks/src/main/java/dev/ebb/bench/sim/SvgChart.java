package dev.ebb.bench.sim;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A hand-written SVG: time lag (top) and replicas (bottom) over time, one line per policy, the arrival rate shaded. */
final class SvgChart {

    private static final int WIDTH = 1100;
    private static final int PANEL = 260;
    private static final int LEFT = 70;
    private static final int RIGHT = 150;
    private static final int TOP = 40;
    private static final int GAP = 60;
    private static final Map<String, String> COLORS = Map.of(
            "keda-hpa", "#d62728", "keda-tuned", "#8c564b", "ebb-threshold", "#ff7f0e", "ebb-drain", "#1f77b4",
            EbbPolicies.DRAIN_WINDOW, "#17becf", "oracle", "#2ca02c");

    private SvgChart() {
    }

    static String render(Simulation.TraceResult result, SimSettings settings) {
        Trace trace = result.trace();
        double dt = trace.stepSeconds();
        int perSecond = Math.max(1, (int) Math.round(1 / dt));
        int seconds = trace.steps() / perSecond;
        int plotWidth = WIDTH - LEFT - RIGHT;
        int height = TOP + 2 * PANEL + GAP + 50;
        double slo = settings.slo().toNanos() / 1e9;

        double maxLag = slo * 1.2;
        int maxReplicas = 1;
        List<RunResult> runs = result.runs().stream().filter(r -> COLORS.containsKey(r.policy())).toList();
        for (RunResult run : runs) {
            maxLag = Math.max(maxLag, run.maxTimeLag());
            for (short p : run.pods()) {
                maxReplicas = Math.max(maxReplicas, p);
            }
        }
        double peakNeeded = trace.peakRate() / settings.perReplicaRate();
        double replicaAxis = niceCeiling(Math.max(maxReplicas, Math.min(peakNeeded, maxReplicas * 1.5)) * 1.1);
        double lagAxis = niceCeiling(maxLag * 1.05);

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                LEFT, escape("Trace '" + trace.name() + "': " + trace.description())));

        int lagTop = TOP;
        int repTop = TOP + PANEL + GAP;
        // arrival rate, in replicas' worth of work, shaded behind the replica panel
        StringBuilder area = new StringBuilder();
        area.append(String.format(Locale.ROOT, "%d,%d ", LEFT, repTop + PANEL));
        for (int s = 0; s < seconds; s++) {
            double rate = 0;
            for (int j = 0; j < perSecond; j++) {
                rate += trace.rates()[s * perSecond + j];
            }
            rate /= perSecond;
            double v = Math.min(replicaAxis, rate / settings.perReplicaRate());
            area.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(s, seconds, plotWidth),
                    repTop + PANEL - v / replicaAxis * PANEL));
        }
        area.append(String.format(Locale.ROOT, "%d,%d", LEFT + plotWidth, repTop + PANEL));
        svg.append("<polygon fill=\"#dddddd\" stroke=\"none\" points=\"").append(area).append("\"/>\n");

        axes(svg, lagTop, plotWidth, seconds, lagAxis, "time lag (s)");
        axes(svg, repTop, plotWidth, seconds, replicaAxis, "replicas (pods)");
        // the SLO
        double sloY = lagTop + PANEL - slo / lagAxis * PANEL;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555\" "
                + "stroke-dasharray=\"6,4\"/>%n", LEFT, sloY, LEFT + plotWidth, sloY));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" fill=\"#555\">SLO %ss</text>%n",
                LEFT + 4, sloY - 4, fmt(slo)));

        for (int r = 0; r < runs.size(); r++) {
            RunResult run = runs.get(r);
            String color = COLORS.get(run.policy());
            StringBuilder lag = new StringBuilder();
            StringBuilder rep = new StringBuilder();
            for (int s = 0; s < seconds; s++) {
                double worst = 0;
                for (int j = 0; j < perSecond; j++) {
                    worst = Math.max(worst, run.timeLag()[s * perSecond + j]);
                }
                int pods = run.pods()[Math.min(run.pods().length - 1, s * perSecond + perSecond - 1)];
                double px = x(s, seconds, plotWidth);
                lag.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, lagTop + PANEL - worst / lagAxis * PANEL));
                rep.append(String.format(Locale.ROOT, "%.1f,%.1f ", px,
                        repTop + PANEL - Math.min(pods, replicaAxis) / replicaAxis * PANEL));
            }
            String dash = run.policy().equals("oracle") ? " stroke-dasharray=\"4,2\"" : "";
            svg.append(String.format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s points=\"%s\"/>%n",
                    color, dash, lag.toString().trim()));
            svg.append(String.format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s points=\"%s\"/>%n",
                    color, dash, rep.toString().trim()));
            int ly = TOP + 10 + r * 20;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"3\"%s/>%n", LEFT + plotWidth + 10, ly, LEFT + plotWidth + 30, ly, color, dash));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + plotWidth + 35, ly + 4,
                    escape(run.policy())));
        }
        int ly = repTop + 10;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"20\" height=\"10\" fill=\"#dddddd\"/>%n",
                LEFT + plotWidth + 10, ly - 5));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">arrivals, in</text>%n",
                LEFT + plotWidth + 35, ly + 4));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">replicas of %s/s</text>%n",
                LEFT + plotWidth + 35, ly + 18, fmt(settings.perReplicaRate())));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time (s)</text>%n",
                LEFT + plotWidth / 2, height - 10));
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void axes(StringBuilder svg, int top, int plotWidth, int seconds, double yMax, String label) {
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#999\"/>%n", LEFT, top, plotWidth, PANEL));
        for (int i = 0; i <= 4; i++) {
            double v = yMax * i / 4;
            double y = top + PANEL - (double) PANEL * i / 4;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
                    LEFT, y, LEFT + plotWidth, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 6, y + 4, fmt(v)));
        }
        double tick = niceCeiling(seconds / 8.0);
        for (double t = 0; t <= seconds; t += tick) {
            double px = x(t, seconds, plotWidth);
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    px, top + PANEL + 15, fmt(t)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" "
                + "text-anchor=\"middle\">%s</text>%n", top + PANEL / 2, top + PANEL / 2, escape(label)));
    }

    private static double x(double second, int seconds, int plotWidth) {
        return LEFT + second / Math.max(1, seconds) * plotWidth;
    }

    static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 4, 5, 10}) {
            if (m * magnitude >= v - 1e-9) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
