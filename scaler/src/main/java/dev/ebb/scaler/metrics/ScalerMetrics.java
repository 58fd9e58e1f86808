package dev.ebb.scaler.metrics;

import dev.ebb.scaler.loop.DecisionEvent;
import dev.ebb.scaler.loop.DecisionListener;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.workload.ClusterKey;
import dev.ebb.scaler.workload.Workload;
import dev.ebb.scaler.workload.WorkloadId;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scaler's Prometheus metrics, {@code ebb_} names in base units. Per-workload series are labelled
 * {@code namespace}, {@code workload}; clusters by their bootstrap servers only (never credentials). Series of a
 * removed workload are dropped.
 *
 * <p>No exemplars: the scaler has no tracer, so an exemplar could never be attached, yet the client's sampler is on by
 * default and, in client_java 1.x, schedules a task on its scheduler thread for nearly every update of every series
 * (once per 90 ms per series): with 3,000 workloads, over 20,000 scheduled tasks a second and a sampler with two
 * exemplar arrays per series, for nothing.
 */
public final class ScalerMetrics implements DecisionListener {

    private static final String[] WL = {"namespace", "workload"};
    /** Errors that are not scale failures. */
    static final String LAG_UNAVAILABLE = "lag_unavailable";
    static final String INVALID_SPEC = "invalid_spec";
    static final String POLICY = "policy";
    /** Any other kind a listener is told about: counted, never a new series. */
    static final String OTHER = "other";
    /**
     * Every value the {@code kind} label of {@code ebb_errors_total} can take: the {@link FailureKind} labels and
     * the four above. Bounded, so no text from a workload or an API answer can create a series.
     */
    public static final List<String> ERROR_KINDS = errorKinds();

    private final PrometheusRegistry registry;
    private final Gauge lag;
    private final Gauge timeLag;
    private final Gauge arrivalRate;
    private final Gauge consumptionRate;
    private final Gauge desired;
    private final Gauge current;
    private final Gauge partitions;
    private final Counter decisions;
    private final Counter scaleChanges;
    private final Counter errors;
    private final Histogram pollDuration;
    private final Gauge leader;
    private final Gauge invalidWorkloads;
    private final Set<WorkloadId> invalid = ConcurrentHashMap.newKeySet();

    public ScalerMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        lag = Gauge.builder().name("ebb_lag_records").help("Records not yet consumed by the workload's group")
                .labelNames(WL).withoutExemplars().register(registry);
        timeLag = Gauge.builder().name("ebb_time_lag_seconds").help("Age of the oldest unconsumed record")
                .labelNames(WL).withoutExemplars().register(registry);
        arrivalRate = Gauge.builder().name("ebb_arrival_rate_records_per_second")
                .help("Records/s appended to the group's partitions, as the policy estimated them").labelNames(WL)
                .withoutExemplars().register(registry);
        consumptionRate = Gauge.builder().name("ebb_consumption_rate_records_per_second")
                .help("Records/s committed by the group").labelNames(WL).withoutExemplars().register(registry);
        desired = Gauge.builder().name("ebb_desired_replicas").help("Replicas the policy wants")
                .labelNames(WL).withoutExemplars().register(registry);
        current = Gauge.builder().name("ebb_current_replicas").help("Replicas the target has")
                .labelNames(WL).withoutExemplars().register(registry);
        partitions = Gauge.builder().name("ebb_partitions").help("Partitions of the group's topics")
                .labelNames(WL).withoutExemplars().register(registry);
        decisions = Counter.builder().name("ebb_decisions_total").help("Policy decisions by kind, on the leader")
                .labelNames("namespace", "workload", "kind").withoutExemplars().register(registry);
        scaleChanges = Counter.builder().name("ebb_scale_changes_total")
                .help("Scale requests sent to targets, by result").labelNames("namespace", "workload", "result")
                .withoutExemplars().register(registry);
        errors = Counter.builder().name("ebb_errors_total").help("Errors by kind (" + String.join(", ", ERROR_KINDS)
                + ")").labelNames("kind").withoutExemplars().register(registry);
        pollDuration = Histogram.builder().name("ebb_poll_duration_seconds")
                .help("Time to observe, decide and act for all due workloads of one Kafka cluster")
                .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .labelNames("cluster").withoutExemplars().register(registry);
        leader = Gauge.builder().name("ebb_leader").help("1 while this scaler instance holds the lease")
                .withoutExemplars().register(registry);
        invalidWorkloads = Gauge.builder().name("ebb_invalid_workloads").help("Workloads whose spec is invalid")
                .withoutExemplars().register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** This instance holds the lease now. */
    public void leading() {
        leader.set(1);
    }

    /** This instance stands by. */
    public void standingBy() {
        leader.set(0);
    }

    @Override
    public void onDecision(DecisionEvent e) {
        String[] l = labels(e.workload().id());
        if (e.observation() instanceof Observation.Lag obs) {
            lag.labelValues(l).set(obs.totalLag());
            partitions.labelValues(l).set(obs.partitionCount());
            obs.timeLag().ifPresent(d -> timeLag.labelValues(l).set(d.toNanos() / 1e9));
            e.decision().arrivalRate().ifPresent(r -> arrivalRate.labelValues(l).set(r)); // the decision's estimate
            obs.consumptionRate().ifPresent(r -> consumptionRate.labelValues(l).set(r));
        } else {
            errors.labelValues(LAG_UNAVAILABLE).inc();
        }
        desired.labelValues(l).set(e.decision().desiredReplicas());
        current.labelValues(l).set(e.replicasAfter());
        if (e.role() == DecisionEvent.Role.LEADER) {
            // Standbys decide too (warm state), but counting their decisions would double every rate in a dashboard.
            decisions.labelValues(l[0], l[1], e.decision().kind().name().toLowerCase(Locale.ROOT)).inc();
        }
        if (e.outcome() instanceof ScaleOutcome.Scaled) {
            scaleChanges.labelValues(l[0], l[1], "scaled").inc();
        } else if (e.outcome() instanceof ScaleOutcome.Failed f) {
            scaleChanges.labelValues(l[0], l[1], "failed").inc();
            errors.labelValues(f.kind().label()).inc();
        }
        if (invalid.remove(e.workload().id())) {
            invalidWorkloads.set(invalid.size());
        }
    }

    @Override
    public void onInvalid(WorkloadId id, List<String> problems) {
        errors.labelValues(INVALID_SPEC).inc();
        invalid.add(id);
        invalidWorkloads.set(invalid.size());
        dropGauges(id);
    }

    @Override
    public void onTargetFailure(Workload workload, Observation observation, ScaleOutcome.Failed failure) {
        errors.labelValues(failure.kind().label()).inc();
    }

    @Override
    public void onError(Workload workload, String kind, String message) {
        errors.labelValues(ERROR_KINDS.contains(kind) ? kind : OTHER).inc();
    }

    @Override
    public void onRemoved(WorkloadId id) {
        invalid.remove(id);
        invalidWorkloads.set(invalid.size());
        drop(id);
    }

    @Override
    public void onPoll(ClusterKey cluster, Duration took, int workloads) {
        pollDuration.labelValues(cluster.bootstrapServers()).observe(took.toNanos() / 1e9);
    }

    /** What an invalid workload no longer has: lag, rates, replicas. Its counters stay while it exists. */
    private void dropGauges(WorkloadId id) {
        String[] l = labels(id);
        for (Gauge g : List.of(lag, timeLag, arrivalRate, consumptionRate, desired, current, partitions)) {
            g.remove(l);
        }
    }

    /** Every series of a deleted workload. */
    private void drop(WorkloadId id) {
        dropGauges(id);
        String[] l = labels(id);
        // Counters of the workload too: a deleted workload leaves no series behind (label order: ns, workload, …).
        decisions.removeIf(values -> values.get(0).equals(l[0]) && values.get(1).equals(l[1]));
        scaleChanges.removeIf(values -> values.get(0).equals(l[0]) && values.get(1).equals(l[1]));
    }

    private static List<String> errorKinds() {
        List<String> kinds = new java.util.ArrayList<>();
        for (FailureKind k : FailureKind.values()) {
            kinds.add(k.label());
        }
        kinds.addAll(List.of(LAG_UNAVAILABLE, INVALID_SPEC, POLICY, OTHER));
        return List.copyOf(kinds);
    }

    private static String[] labels(WorkloadId id) {
        return new String[] {id.namespace(), id.name()};
    }
}
