package dev.ebb.scaler.loop;

/**
 * Whether this scaler instance may act. Standbys keep observing (metrics stay live, takeover is warm) but never
 * scale or write status.
 */
@FunctionalInterface
public interface LeaderGate {

    boolean leading();

    /** A single instance: always leads (local mode, tests). */
    static LeaderGate always() {
        return () -> true;
    }
}
