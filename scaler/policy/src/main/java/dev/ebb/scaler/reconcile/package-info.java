/**
 * The reconcile step: the one place that turns a policy {@link dev.ebb.scaler.policy.Decision}, a
 * {@link dev.ebb.scaler.reconcile.Pause}, this instance's {@link dev.ebb.scaler.reconcile.Role} and the target's
 * current replicas into an {@link dev.ebb.scaler.reconcile.Action}: scale, hold, or nothing.
 *
 * <p>Pure, as the policy is: imports only {@code java.*} and {@code dev.ebb.scaler.policy} (a test checks it), reads
 * no clock, does no I/O. The live loop ({@code dev.ebb.scaler.loop.ScalerLoop}) does the reads and the write the
 * action asks for; the simulator ({@code dev.ebb.bench.sim}) calls the same step on its model, so a rule changed here
 * changes both.
 *
 * <p>Where the inputs come from: the pause from the workload's annotations or from another owner of the target (the
 * catalog turns a conflicting HorizontalPodAutoscaler into {@link dev.ebb.scaler.reconcile.Pause.Paused}); the role
 * from leader election; the current replicas from the target (informer caches in a cluster). Failures to read the
 * target, and the policy throwing, never reach this step: the loop reports them and nothing is decided that poll.
 */
package dev.ebb.scaler.reconcile;
