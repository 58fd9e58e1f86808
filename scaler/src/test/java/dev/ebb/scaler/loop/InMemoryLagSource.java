package dev.ebb.scaler.loop;

import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.lag.LagSource;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PartitionLag;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A lag source whose lag per group the test sets; records every batch it was asked for. */
class InMemoryLagSource implements LagSource {

    private final Clock clock;
    private final Map<String, long[]> lagByGroup = new ConcurrentHashMap<>();
    private final Map<String, Double> arrivals = new ConcurrentHashMap<>();
    private final Map<String, String> unavailable = new ConcurrentHashMap<>();
    final List<List<String>> batches = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    InMemoryLagSource(Clock clock) {
        this.clock = clock;
    }

    /** Lag per partition of the group's single topic "t". */
    void lag(String group, long... perPartition) {
        lagByGroup.put(group, perPartition);
        unavailable.remove(group);
    }

    void arrivalRate(String group, double rate) {
        arrivals.put(group, rate);
    }

    void unavailable(String group, String reason) {
        unavailable.put(group, reason);
    }

    @Override
    public CompletionStage<Map<GroupQuery, Observation>> observe(Collection<GroupQuery> queries) {
        batches.add(queries.stream().map(GroupQuery::groupId).toList());
        Instant now = clock.instant();
        Map<GroupQuery, Observation> out = new LinkedHashMap<>();
        for (GroupQuery q : queries) {
            String reason = unavailable.get(q.groupId());
            long[] lags = lagByGroup.get(q.groupId());
            if (reason != null || lags == null) {
                out.put(q, new Observation.Unavailable(now, reason == null ? "unknown group " + q.groupId() : reason,
                        true));
                continue;
            }
            List<PartitionLag> parts = new ArrayList<>();
            for (int p = 0; p < lags.length; p++) {
                parts.add(new PartitionLag("t", p, 1_000_000 + lags[p], 0, OptionalLong.of(1_000_000), lags[p]));
            }
            Double rate = arrivals.get(q.groupId());
            out.put(q, new Observation.Lag(now, parts, rate == null ? OptionalDouble.of(0) : OptionalDouble.of(rate),
                    OptionalDouble.of(0), Optional.empty(), OptionalInt.empty()));
        }
        // Completes on another thread, as a real Admin-backed source does.
        return CompletableFuture.supplyAsync(() -> out);
    }

    @Override
    public void close() {
        closed = true;
    }
}
