package dev.ebb.bench.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/** The standard arrival traces, and traces replayed from a CSV file. Rates in records/s, times in seconds. */
public final class Traces {

    static final double BASELINE = 500;

    private Traces() {
    }

    /** Names of the standard traces, in report order. */
    public static List<String> names() {
        return List.of("step", "spike", "ramp", "diurnal", "bursts", "batch");
    }

    public static Map<String, Trace> standard(SimSettings s) {
        Map<String, Trace> traces = new LinkedHashMap<>();
        for (String name : names()) {
            traces.put(name, byName(name, s));
        }
        return traces;
    }

    public static Trace byName(String name, SimSettings s) {
        double dt = s.stepSeconds();
        return switch (name) {
            case "step" -> of("step", "500/s for 5 min, a step to 6,000/s for 15 min, back to 500/s for 10 min",
                    dt, 1800, t -> t < 300 || t >= 1200 ? BASELINE : 6000, 1, 300, 6000);
            case "spike" -> of("spike", "500/s, a 30 s spike of 20,000/s (600,000 records) at 5 min, 10 min tail",
                    dt, 930, t -> t >= 300 && t < 330 ? 20_000 : BASELINE, 1, 300, 20_000);
            case "ramp" -> of("ramp", "500/s for 5 min, linear ramp to 12,000/s over 15 min, hold 5 min, "
                            + "ramp down over 5 min, 500/s for 5 min",
                    dt, 2100, Traces::ramp, 1, 300, 12_000);
            case "diurnal" -> of("diurnal", "a compressed day: sine between 500/s and 7,500/s over 2 h, "
                            + "starting at the trough", dt, 7200,
                    t -> 4000 - 3500 * Math.cos(2 * Math.PI * t / 7200), 1, 0, 7500);
            case "bursts" -> bursts(s);
            case "batch" -> of("batch", "idle (0/s) for 2 min, then a dump of 3,000,000 records within 30 s "
                            + "(100,000/s), idle for 13 min; from zero replicas",
                    dt, 900, t -> t >= 120 && t < 150 ? 100_000 : 0, 0, 120, 100_000);
            default -> throw new IllegalArgumentException("Invalid value '" + name + "' for trace: must be one of "
                    + String.join(", ", names()) + ", all, or a CSV file given with --csv");
        };
    }

    /** The share-group comparison's topic: 4 partitions (set by the comparison, not by this trace). */
    static final int QUEUE_PARTITIONS = 4;
    /** The queue trace's burst: 15 workers' rate, 16 workers' once each record pays a 5 % acquisition overhead. */
    static final double QUEUE_BURST_RATE = 15_000;
    static final double QUEUE_BURST_START = 300;
    static final double QUEUE_BURST_END = 900;

    /** Not one of the standard traces: a queue on 4 partitions that needs 16 workers for 10 minutes. */
    static Trace queueBurst(SimSettings s) {
        return of("queue-burst", "4 partitions: 500/s for 5 min, 15,000/s for 10 min, 500/s for 15 min",
                s.stepSeconds(), 1800, t -> t >= QUEUE_BURST_START && t < QUEUE_BURST_END ? QUEUE_BURST_RATE
                        : BASELINE, 1, QUEUE_BURST_START, QUEUE_BURST_RATE);
    }

    private static double ramp(double t) {
        if (t < 300) {
            return BASELINE;
        }
        if (t < 1200) {
            return BASELINE + (12_000 - BASELINE) * (t - 300) / 900;
        }
        if (t < 1500) {
            return 12_000;
        }
        if (t < 1800) {
            return 12_000 - (12_000 - BASELINE) * (t - 1500) / 300;
        }
        return BASELINE;
    }

    /** 200/s with bursts at random times (on average every 3 min): 2,000-15,000/s for 10-60 s each. */
    private static Trace bursts(SimSettings s) {
        SplittableRandom random = new SplittableRandom(s.seed() * 0x9E3779B97F4A7C15L + 17);
        double duration = 2400;
        List<double[]> bursts = new ArrayList<>();
        double t = 60 + random.nextDouble(120);
        while (t < duration - 300) {
            double length = 10 + random.nextDouble(50);
            double rate = 2000 + random.nextDouble(13_000);
            bursts.add(new double[] {Math.floor(t), Math.floor(t + length), Math.round(rate / 100) * 100.0});
            t += length + 30 + random.nextDouble(300);
        }
        double first = bursts.isEmpty() ? 0 : bursts.get(0)[0];
        double firstRate = bursts.isEmpty() ? 200 : bursts.get(0)[2];
        return of("bursts", bursts.size() + " random bursts of 2,000-15,000/s lasting 10-60 s over 200/s, 40 min"
                        + " (seed " + s.seed() + ")", s.stepSeconds(), duration, x -> {
                    for (double[] b : bursts) {
                        if (x >= b[0] && x < b[1]) {
                            return b[2];
                        }
                    }
                    return 200;
                }, 1, first, firstRate);
    }

    /** Families of generated traces, reported apart from the named ones, on seeds never used while tuning. */
    public static List<String> families() {
        return List.of("gen-bursts", "gen-ramps", "gen-diurnal");
    }

    /** Seeds of the generated traces: the named traces (and the policy's tuning) used seed 1 only. */
    static final long GENERATED_SEED_BASE = 1001;

    /** One generated trace of a family, drawn from {@code seed}. */
    public static Trace generated(String family, long seed, SimSettings s) {
        SplittableRandom random = new SplittableRandom(seed * 0xD1B54A32D192ED03L + family.hashCode());
        double dt = s.stepSeconds();
        String name = family + "-" + seed;
        return switch (family) {
            case "gen-bursts" -> {
                // Like `bursts`, with a random baseline, burst frequency and size range.
                double base = 100 + random.nextDouble(900);
                double every = 60 + random.nextDouble(240);
                double top = 5000 + random.nextDouble(20_000);
                double duration = 2400;
                List<double[]> bursts = new ArrayList<>();
                double t = 30 + random.nextDouble(every);
                while (t < duration - 300) {
                    double length = 5 + random.nextDouble(85);
                    double rate = 1000 + random.nextDouble(top - 1000);
                    bursts.add(new double[] {Math.floor(t), Math.floor(t + length), Math.round(rate / 100) * 100.0});
                    t += length + 20 + random.nextDouble(2 * every);
                }
                double first = bursts.isEmpty() ? 0 : bursts.get(0)[0];
                double firstRate = bursts.isEmpty() ? base : bursts.get(0)[2];
                yield of(name, String.format(java.util.Locale.ROOT, "%d random bursts of 1,000-%,.0f/s lasting 5-90 s"
                        + " over %,.0f/s, 40 min (seed %d)", bursts.size(), top, base, seed), dt, duration, x -> {
                            for (double[] b : bursts) {
                                if (x >= b[0] && x < b[1]) {
                                    return b[2];
                                }
                            }
                            return base;
                        }, 1, first, firstRate);
            }
            case "gen-ramps" -> {
                // Two ramps up and down with random peaks, slopes and holds, over a random baseline.
                double base = 200 + random.nextDouble(800);
                double[][] ramps = new double[2][];
                double t = 120 + random.nextDouble(240);
                for (int i = 0; i < 2; i++) {
                    double peak = 3000 + random.nextDouble(15_000);
                    double up = 60 + random.nextDouble(840);
                    double hold = random.nextDouble(300);
                    double down = 60 + random.nextDouble(540);
                    ramps[i] = new double[] {t, up, hold, down, peak};
                    t += up + hold + down + 120 + random.nextDouble(300);
                }
                double duration = t + 300;
                yield of(name, String.format(java.util.Locale.ROOT, "two ramps to %,.0f/s and %,.0f/s over %,.0f/s"
                                + " (seed %d)", ramps[0][4], ramps[1][4], base, seed), dt, duration, x -> {
                            for (double[] r : ramps) {
                                double from = r[0];
                                if (x >= from && x < from + r[1] + r[2] + r[3]) {
                                    double in = x - from;
                                    if (in < r[1]) {
                                        return base + (r[4] - base) * in / r[1];
                                    }
                                    if (in < r[1] + r[2]) {
                                        return r[4];
                                    }
                                    return r[4] - (r[4] - base) * (in - r[1] - r[2]) / r[3];
                                }
                            }
                            return base;
                        }, 1, ramps[0][0], ramps[0][4]);
            }
            case "gen-diurnal" -> {
                // A compressed day of random depth and period, times noise that changes every 10 s (±25 %).
                double low = 200 + random.nextDouble(1800);
                double high = low + 3000 + random.nextDouble(12_000);
                double period = 1800 + random.nextDouble(3600);
                double duration = 3600;
                double[] noise = new double[(int) (duration / 10) + 2];
                for (int i = 0; i < noise.length; i++) {
                    noise[i] = 1 + 0.25 * (2 * random.nextDouble() - 1);
                }
                yield of(name, String.format(java.util.Locale.ROOT, "a day of %,.0f s between %,.0f/s and %,.0f/s,"
                                + " ±25 %% noise every 10 s, 1 h (seed %d)", period, low, high, seed), dt, duration,
                        x -> ((low + high) / 2 - (high - low) / 2 * Math.cos(2 * Math.PI * x / period))
                                * noise[(int) (x / 10)], 1, 0, high);
            }
            default -> throw new IllegalArgumentException("Invalid value '" + family + "' for family: must be one of "
                    + String.join(", ", families()));
        };
    }

    static Trace of(String name, String description, double dt, double durationSeconds, DoubleUnaryOperator rate,
                    int initialReplicas, double burstStart, double burstRate) {
        int n = (int) Math.round(durationSeconds / dt);
        double[] rates = new double[n];
        for (int i = 0; i < n; i++) {
            // the rate at the middle of the step, so ramps and sines are not biased by half a step
            rates[i] = Math.max(0, rate.applyAsDouble((i + 0.5) * dt));
        }
        return new Trace(name, description, dt, rates, initialReplicas, OptionalDouble.of(burstStart), burstRate);
    }

    /**
     * A trace from a CSV file with columns {@code seconds,records_per_second} (a header line is allowed; {@code #}
     * starts a comment). Each rate holds from its time until the next row's; the trace ends 10 minutes after the
     * last row so that every policy can drain. Reaction times are measured from the largest rise in rate.
     */
    public static Trace fromCsv(Path file, SimSettings s) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<double[]> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split("\\s*[,;\\t]\\s*");
            if (rows.isEmpty() && problems.isEmpty() && !cells[0].isEmpty()
                    && !Character.isDigit(cells[0].charAt(0))) {
                continue; // header
            }
            if (cells.length < 2) {
                problems.add("line " + (i + 1) + ": expected 'seconds,records_per_second' but got '" + line + "'");
                continue;
            }
            try {
                double t = Double.parseDouble(cells[0]);
                double r = Double.parseDouble(cells[1]);
                if (!(t >= 0)) {
                    problems.add("line " + (i + 1) + ": Invalid value " + cells[0] + " for seconds: must be >= 0");
                } else if (!rows.isEmpty() && t <= rows.get(rows.size() - 1)[0]) {
                    problems.add("line " + (i + 1) + ": Invalid value " + cells[0]
                            + " for seconds: must be greater than the previous row's");
                } else if (!(r >= 0) || Double.isInfinite(r)) {
                    problems.add("line " + (i + 1) + ": Invalid value " + cells[1]
                            + " for records_per_second: must be >= 0");
                } else {
                    rows.add(new double[] {t, r});
                }
            } catch (NumberFormatException e) {
                problems.add("line " + (i + 1) + ": not a number in '" + line + "'");
            }
        }
        if (rows.isEmpty() && problems.isEmpty()) {
            problems.add("no data rows");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid CSV trace " + file + ": " + String.join("; ", problems));
        }
        double last = rows.get(rows.size() - 1)[0];
        double duration = Math.max(last, 1) + 600;
        if (duration > 6 * 3600) {
            throw new IllegalArgumentException("Invalid CSV trace " + file + ": " + last
                    + " s of data; at most 6 hours are supported");
        }
        double burstStart = rows.get(0)[0];
        double biggestRise = -1;
        for (int i = 1; i < rows.size(); i++) {
            double rise = rows.get(i)[1] - rows.get(i - 1)[1];
            if (rise > biggestRise) {
                biggestRise = rise;
                burstStart = rows.get(i)[0];
            }
        }
        double peak = rows.stream().mapToDouble(r -> r[1]).max().orElse(0);
        String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "").replaceAll("[^A-Za-z0-9_-]", "_");
        double[] times = rows.stream().mapToDouble(r -> r[0]).toArray();
        double[] values = rows.stream().mapToDouble(r -> r[1]).toArray();
        double holdLast = Math.max(1, last / Math.max(1, rows.size() - 1));
        DoubleUnaryOperator rate = t -> {
            if (t < times[0] || t > last + holdLast) {
                return 0; // before the first row, and after the last row held for one average interval
            }
            int i = java.util.Arrays.binarySearch(times, t);
            return values[i >= 0 ? i : -i - 2];
        };
        return of(name, "replayed from " + file.getFileName() + " (" + rows.size() + " rows)", s.stepSeconds(),
                duration, rate, 1, burstStart, peak);
    }
}
