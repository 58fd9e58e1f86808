package dev.ebb.common;

/**
 * How often workers commit, stated once. Two values on purpose, and why they differ:
 *
 * <ul>
 *   <li>{@link #SDK_DEFAULT}: an SDK worker commits every second by default ({@code EBB_COMMIT_INTERVAL}); short, so
 *       that a worker scaled away or killed redelivers little.</li>
 *   <li>{@link #POLICY_DEFAULT}: the scaling policy's {@code commitInterval} default is what it assumes of workers it
 *       knows nothing about: Kafka's own {@code auto.commit.interval.ms} default, 5 s, the cadence of a plain consumer
 *       (or one moved over from KEDA). Lag that this cadence explains is neither backlog nor saturation. Assuming
 *       1 s of such a worker would read its commit lag as saturation and run the replica count away; assuming 5 s of
 *       an SDK worker only makes saturation a little slower to detect.</li>
 * </ul>
 *
 * The invariant a test holds: {@code SDK_DEFAULT <= POLICY_DEFAULT}, so the policy's default covers SDK workers. An
 * operator whose workers all commit faster may set {@code spec.policy.commitInterval} to their cadence.
 */
public final class CommitIntervals {

    /** Default of the SDK's {@code EBB_COMMIT_INTERVAL}. */
    public static final String SDK_DEFAULT = "1s";

    /** Kafka's consumer default {@code auto.commit.interval.ms} (5000), in Ebb's duration grammar. */
    public static final String KAFKA_AUTO_COMMIT_DEFAULT = "5s";

    /** Default of the policy's {@code commitInterval}: the slowest default cadence of the workers it may scale. */
    public static final String POLICY_DEFAULT = KAFKA_AUTO_COMMIT_DEFAULT;

    private CommitIntervals() {
    }
}
