package dev.ebb.scaler.local;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the live views (terminal and web page) show: the recent samples of every workload, the decision log and
 * annotations such as "burst starts". Thread-safe; entries carry increasing sequence numbers so a page can fetch only
 * what is new.
 */
public final class LiveLog {

    /** A sample, a decision-log entry or an annotation, numbered in the order recorded. */
    public sealed interface Entry permits Sampled, Annotation {
        long seq();
    }

    public record Sampled(long seq, LiveSample sample) implements Entry {
    }

    /** A marker on the time axis, e.g. a phase of the demo's load trace. */
    public record Annotation(long seq, Instant at, String text) implements Entry {
    }

    /** Everything recorded after a sequence number. */
    public record Snapshot(long lastSeq, List<Sampled> samples, List<Sampled> decisions, List<Annotation> annotations) {
    }

    private final int capacity;
    private final Map<String, Deque<Sampled>> samples = new LinkedHashMap<>();
    private final Deque<Sampled> decisions = new ArrayDeque<>();
    private final List<Annotation> annotations = new ArrayList<>();
    private final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();
    private long seq;

    /**
     * @param capacity samples kept per workload and decision-log entries kept (older ones are dropped)
     */
    public LiveLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("Invalid value " + capacity + " for capacity: must be >= 1");
        }
        this.capacity = capacity;
    }

    public void record(LiveSample sample) {
        Sampled entry;
        synchronized (this) {
            entry = new Sampled(++seq, sample);
            Deque<Sampled> ring = samples.computeIfAbsent(sample.workload(), k -> new ArrayDeque<>());
            ring.addLast(entry);
            if (ring.size() > capacity) {
                ring.removeFirst();
            }
            if (sample.changed() != LiveSample.Change.NONE) {
                decisions.addLast(entry);
                if (decisions.size() > capacity) {
                    decisions.removeFirst();
                }
            }
        }
        notify(entry);
    }

    public void annotate(Instant at, String text) {
        Annotation entry;
        synchronized (this) {
            entry = new Annotation(++seq, at, text);
            annotations.add(entry);
        }
        notify(entry);
    }

    /** Entries with a sequence number above {@code afterSeq} (0: everything kept). */
    public synchronized Snapshot since(long afterSeq) {
        List<Sampled> newSamples = new ArrayList<>();
        for (Deque<Sampled> ring : samples.values()) {
            for (Sampled s : ring) {
                if (s.seq() > afterSeq) {
                    newSamples.add(s);
                }
            }
        }
        newSamples.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        List<Sampled> newDecisions = decisions.stream().filter(s -> s.seq() > afterSeq).toList();
        List<Annotation> newAnnotations = annotations.stream().filter(a -> a.seq() > afterSeq).toList();
        return new Snapshot(seq, newSamples, newDecisions, newAnnotations);
    }

    /** Every sample kept for one workload, oldest first. */
    public synchronized List<LiveSample> samples(String workload) {
        Deque<Sampled> ring = samples.get(workload);
        return ring == null ? List.of() : ring.stream().map(Sampled::sample).toList();
    }

    public synchronized List<Annotation> annotations() {
        return List.copyOf(annotations);
    }

    /** Called on the recording thread after each entry; keep it quick. */
    public Runnable subscribe(Consumer<Entry> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void notify(Entry entry) {
        for (Consumer<Entry> listener : listeners) {
            listener.accept(entry);
        }
    }
}
