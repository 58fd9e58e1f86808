package dev.ebb.bench.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A load trace: phases one after another, each with a rate that goes linearly from {@code startRate} to
 * {@code endRate} records/s. The phase named {@link #BURST} is the one the summary measures from.
 */
public record Trace(String name, List<Phase> phases) {

    public static final String BURST = "burst";

    public record Phase(String name, Duration length, double startRate, double endRate) {
        public Phase {
            if (length == null || length.isNegative() || length.isZero()) {
                throw new IllegalArgumentException("Invalid value " + length + " for phase " + name
                        + " length: must be > 0");
            }
            if (startRate < 0 || endRate < 0) {
                throw new IllegalArgumentException("Invalid rate " + startRate + ".." + endRate + " for phase "
                        + name + ": must be >= 0");
            }
        }

        /** Records this phase sends in total (the area under its rate line). */
        public double records() {
            return (startRate + endRate) / 2 * length.toMillis() / 1000.0;
        }
    }

    public Trace {
        if (phases == null || phases.isEmpty()) {
            throw new IllegalArgumentException("Invalid value [] for trace " + name + ": needs at least one phase");
        }
        phases = List.copyOf(phases);
    }

    public Duration length() {
        return phases.stream().map(Phase::length).reduce(Duration.ZERO, Duration::plus);
    }

    /** The phase running at {@code elapsed} since the trace started; empty once it is over. */
    public Optional<Phase> phaseAt(Duration elapsed) {
        Duration start = Duration.ZERO;
        for (Phase p : phases) {
            Duration end = start.plus(p.length());
            if (elapsed.compareTo(end) < 0) {
                return Optional.of(p);
            }
            start = end;
        }
        return Optional.empty();
    }

    /** When phase {@code name} starts, relative to the trace start. */
    public Optional<Duration> startOf(String phaseName) {
        Duration start = Duration.ZERO;
        for (Phase p : phases) {
            if (p.name().equals(phaseName)) {
                return Optional.of(start);
            }
            start = start.plus(p.length());
        }
        return Optional.empty();
    }

    /** Records the trace should have sent by {@code elapsed} (integral of the rate). */
    public double recordsBy(Duration elapsed) {
        double total = 0;
        Duration start = Duration.ZERO;
        for (Phase p : phases) {
            Duration end = start.plus(p.length());
            if (elapsed.compareTo(end) >= 0) {
                total += p.records();
            } else {
                if (elapsed.compareTo(start) > 0) {
                    double t = (elapsed.toMillis() - start.toMillis()) / 1000.0;
                    double len = p.length().toMillis() / 1000.0;
                    double rateAtT = p.startRate() + (p.endRate() - p.startRate()) * t / len;
                    total += (p.startRate() + rateAtT) / 2 * t;
                }
                break;
            }
            start = end;
        }
        return total;
    }

    public double totalRecords() {
        return phases.stream().mapToDouble(Phase::records).sum();
    }

    /** The same trace with every phase stretched or shrunk so that the whole lasts {@code length}. */
    public Trace scaledTo(Duration length) {
        double factor = (double) length.toMillis() / length().toMillis();
        List<Phase> scaled = new ArrayList<>();
        for (Phase p : phases) {
            scaled.add(new Phase(p.name(), Duration.ofMillis(Math.max(1, Math.round(p.length().toMillis() * factor))),
                    p.startRate(), p.endRate()));
        }
        return new Trace(name, scaled);
    }

    /** "idle 8s, burst 4s at 1,500/s, ramp 20s 50→300/s, idle 28s" */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (Phase p : phases) {
            String rate = p.startRate() == p.endRate()
                    ? (p.startRate() == 0 ? "" : String.format(Locale.ROOT, " at %,.0f/s", p.startRate()))
                    : String.format(Locale.ROOT, " %,.0f→%,.0f/s", p.startRate(), p.endRate());
            parts.add(p.name() + " " + p.length().toSeconds() + "s" + rate);
        }
        return String.join(", ", parts);
    }

    /** The built-in traces, by name: {@code demo} (a few minutes), {@code short} (about a minute), {@code burst}. */
    public static Trace named(String name, double workerRate) {
        double c = workerRate;
        return switch (name) {
            case "short" -> new Trace("short", List.of(
                    new Phase("idle", Duration.ofSeconds(6), 0, 0),
                    new Phase(BURST, Duration.ofSeconds(3), 20 * c, 20 * c),
                    new Phase("ramp", Duration.ofSeconds(16), 0.5 * c, 2.5 * c),
                    new Phase("idle", Duration.ofSeconds(30), 0, 0)));
            case "demo" -> new Trace("demo", List.of(
                    new Phase("idle", Duration.ofSeconds(15), 0, 0),
                    new Phase(BURST, Duration.ofSeconds(5), 25 * c, 25 * c),
                    new Phase("quiet", Duration.ofSeconds(30), 0.3 * c, 0.3 * c),
                    new Phase("ramp", Duration.ofSeconds(60), 0.5 * c, 5 * c),
                    new Phase("sustained", Duration.ofSeconds(30), 5 * c, 5 * c),
                    new Phase("idle", Duration.ofSeconds(60), 0, 0)));
            case "burst" -> new Trace("burst", List.of(
                    new Phase("idle", Duration.ofSeconds(10), 0, 0),
                    new Phase(BURST, Duration.ofSeconds(2), 100 * c, 100 * c),
                    new Phase("idle", Duration.ofSeconds(50), 0, 0)));
            default -> throw new IllegalArgumentException("Invalid value '" + name
                    + "' for --trace: must be one of short, demo, burst");
        };
    }
}
