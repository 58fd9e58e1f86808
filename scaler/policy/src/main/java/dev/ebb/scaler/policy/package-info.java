/**
 * The scaling policy: a pure, deterministic step function.
 *
 * <p>{@link dev.ebb.scaler.policy.ScalingPolicy#decide ScalingPolicy.decide(spec, observation, state, now)} returns a
 * {@link dev.ebb.scaler.policy.Decision}: the desired replica count, a reason a person can read, and the next
 * immutable {@link dev.ebb.scaler.policy.WorkloadState}. The same inputs always give the same decision.
 *
 * <h2>The pipeline</h2>
 * {@code ScalingPolicy} is the façade. It stops unusable input (an invalid spec, a missing, stale or repeated
 * observation: hold, or the fallback) and runs every fresh observation through five stages. Each stage is a class of
 * pure functions that return values; none reads another's fields, so nothing depends on call order.
 * <ol>
 *   <li><b>estimate</b> — {@link dev.ebb.scaler.policy.Estimate}: arrival rate ({@link
 *       dev.ebb.scaler.policy.ArrivalEstimator}, the one definition of "arrivals" in Ebb), per-replica capacity
 *       ({@code CapacityEstimator}), ready and starting replicas and their projection until new replicas are ready
 *       ({@code Projection}), lag as KEDA counts it ({@code KedaLag}); {@code Activity}: lag for activation and the
 *       quiet time for the cooldown.</li>
 *   <li><b>desire</b> — one class per mode, {@code ThresholdDesire} and {@code DrainDesire}, chosen by the sealed
 *       {@link dev.ebb.scaler.policy.ModeSpec} and reading only that mode's settings, each returning a
 *       {@code Desired}: the count the mode asks for, its fractional need, the partition cap it applied, its inputs
 *       and notes.</li>
 *   <li><b>bound</b> — {@link dev.ebb.scaler.policy.Bounds}: min/max and the partition cap ({@link
 *       dev.ebb.scaler.policy.Parallelism} says what a count does for a consumer group). Public, so the simulator and
 *       the reconcile step bound counts with the same code.</li>
 *   <li><b>damp</b> — {@code Damping}: tolerance band, scale-down stabilization, rebalance grace, step limits;
 *       returns the count to apply and the rule that set it.</li>
 *   <li><b>explain</b> — {@code Explain}: the reason text, rendered from the records the stages returned.</li>
 * </ol>
 * {@code NextState} builds the state handed to the next tick.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>No clock, no I/O, no randomness.</b> Time enters only as the {@code now} argument and the observation's
 *       {@code at}; the policy never reads the system clock, logs, or touches Kafka or Kubernetes. This is what lets the
 *       simulator run the exact code of the live loop, and the tests step through time with fixed instants.</li>
 *   <li><b>Only {@code java.*} imports</b>, enforced by {@code PolicyImportsTest}.</li>
 *   <li><b>Missing data is a value.</b> {@link dev.ebb.scaler.policy.Observation.Unavailable} holds the current count
 *       (or applies the configured fallback); the policy never scales to zero on missing or stale data.</li>
 *   <li><b>Threading:</b> every type here is immutable and thread-safe; {@code decide} has no shared state. The caller
 *       owns one {@code WorkloadState} per workload and must pass each decision's {@code next} state to the next tick
 *       of that workload (ticks of one workload are sequential; different workloads are independent).</li>
 *   <li><b>Applying:</b> the runtime scales the target when {@link dev.ebb.scaler.policy.Decision#changed()}; if the
 *       target ends up with another count, it tells the policy with
 *       {@link dev.ebb.scaler.policy.WorkloadState#withCurrentReplicas(int)} before the next tick.</li>
 * </ul>
 *
 * <p>The rules, every setting with its default, and the mapping from KEDA are in {@code scaler/POLICY.md}.
 */
package dev.ebb.scaler.policy;
