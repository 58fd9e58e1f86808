package dev.ebb.scaler.policy;

/**
 * What a count of replicas does for one group: how many consume, and how fast the group goes as a whole. A consumer
 * group assigns each partition to one member, so members beyond the partition count idle and the busiest member sets
 * the pace; a share group (and a group whose partitions are unknown) uses every replica.
 *
 * @param kind the group's kind
 * @param partitions partitions of the group's topics; 0 when unknown
 */
public record Parallelism(GroupKind kind, int partitions) {

    /** Consumer groups: one consumer per partition at most. Share groups and unknown partitions: no cap. */
    public int cap() {
        return kind == GroupKind.CONSUMER && partitions > 0 ? partitions : Integer.MAX_VALUE;
    }

    /** Replicas that get partitions. */
    public int consumers(int replicas) {
        return Math.min(replicas, cap());
    }

    /**
     * The replicas' effective parallelism: a consumer group processes its partitions only as fast as its busiest
     * member, so {@code r} members on {@code P} equally loaded partitions do the work of {@code P / ceil(P / r)}
     * replicas (9 or 10 members on 32 partitions: 8). Share groups and unknown partitions: {@code r}.
     */
    public double effective(int replicas) {
        if (kind != GroupKind.CONSUMER || partitions <= 0 || replicas <= 0) {
            return Math.max(0, replicas);
        }
        int members = Math.min(replicas, partitions);
        int busiest = (partitions + members - 1) / members;
        return (double) partitions / busiest;
    }

    /**
     * The fewest replicas whose effective parallelism is at least {@code need}: at most {@code floor(P / need)}
     * partitions per member (a need of 12.9 on 32 partitions is 16 members: 13 to 15 do the work of 10.7; a need
     * of 30 is 32 members: 16 would do the work of 16). A deadline the policy states holds at this count.
     */
    public int enoughMembers(double need) {
        int plain = Numbers.ceil(need);
        if (kind != GroupKind.CONSUMER || partitions <= 0 || plain <= 0 || plain >= partitions) {
            return plain;
        }
        // At most P partitions per member: a tiny need must not overflow the division below.
        int perMember = (int) Math.min(partitions, Math.floor(partitions / need + Numbers.EPSILON));
        return perMember < 1 ? partitions : (partitions + perMember - 1) / perMember;
    }

    /** Partitions of the busiest member when {@code replicas} share the group's partitions. */
    public int busiestMember(int replicas) {
        int members = Math.max(1, Math.min(replicas, partitions));
        return (partitions + members - 1) / members;
    }
}
