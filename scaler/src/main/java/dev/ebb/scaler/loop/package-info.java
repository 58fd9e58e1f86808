/**
 * The control loop that joins the ports: a {@link dev.ebb.scaler.workload.WorkloadCatalog} says what to scale, a
 * {@link dev.ebb.scaler.lag.LagSource} per Kafka cluster observes every due group in one batch, the pure
 * {@link dev.ebb.scaler.reconcile.Reconcile} step decides (the policy, then the pause, hold and leader rules) and
 * says what to write, a {@link dev.ebb.scaler.target.ScaleTarget} acts, and a
 * {@link dev.ebb.scaler.loop.DecisionListener} records (metrics, Kubernetes status and Events, the local live view).
 *
 * <p>Threading: {@link dev.ebb.scaler.loop.ScalerLoop} keeps all its state on one Vert.x event-loop context and never
 * blocks it; lag sources and scale targets complete on their own threads. Listeners are called on that context, in
 * tick order, and must not block. Ordering: per cluster, a poll starts only after the previous one finished; ticks in
 * between are skipped for that cluster. Isolation: every workload has its own outcome; a missing target, a failing
 * policy or a failing lag source never stops the other workloads or clusters. Leadership: only while the
 * {@link dev.ebb.scaler.loop.LeaderGate} says so does the loop change replicas; otherwise it observes and decides.
 * The loop itself holds no scaling rules: it does I/O and scheduling, and writes only what the reconcile step's
 * action asks for (see {@code scaler/RECONCILE.md}).
 */
package dev.ebb.scaler.loop;
