/**
 * The scaling policy: a pure, deterministic step function.
 *
 * <p>{@link dev.ebb.scaler.policy.ScalingPolicy#decide ScalingPolicy.decide(spec, observation, state, now)} returns a
 * {@link dev.ebb.scaler.policy.Decision}: the desired replica count, a reason a person can read, and the next
 * immutable {@link dev.ebb.scaler.policy.WorkloadState}. The same inputs always give the same decision.
 *
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
