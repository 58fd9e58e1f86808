package dev.ebb.scaler.cli;

import dev.ebb.scaler.policy.GroupKind;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * What {@code kafka-consumer-groups} reads besides lag: the ids of every consumer group (or share group) on a cluster
 * ({@code --list}), and which member owns each partition ({@code --describe}'s CONSUMER-ID, HOST, CLIENT-ID).
 */
final class GroupLister implements AutoCloseable {

    private final Admin admin;
    private final Duration timeout;

    GroupLister(Map<String, Object> config, Duration timeout) {
        this.admin = Admin.create(config);
        this.timeout = timeout;
    }

    /** Sorted group ids; consumer groups include classic and KIP-848 groups, as kafka-consumer-groups does. */
    List<String> list(GroupKind kind) throws ExecutionException, TimeoutException, InterruptedException {
        ListGroupsOptions options = (kind == GroupKind.SHARE ? ListGroupsOptions.forShareGroups()
                : ListGroupsOptions.forConsumerGroups()).timeoutMs((int) timeout.toMillis());
        return admin.listGroups(options).all().get(timeout.toMillis() * 2 + 1_000, TimeUnit.MILLISECONDS).stream()
                .map(GroupListing::groupId).sorted().toList();
    }

    /** Who owns a partition: the member's id, host and client id, as kafka-consumer-groups --describe shows them. */
    record Member(String consumerId, String host, String clientId) {
    }

    /**
     * Members of consumer groups by assigned partition. Share groups have no owner per partition (many members
     * share one), so they get none. A group that cannot be described gets none: its lag row says why.
     */
    Map<String, Map<TopicPartition, Member>> members(List<String> groups, GroupKind kind)
            throws InterruptedException {
        Map<String, Map<TopicPartition, Member>> out = new HashMap<>();
        if (kind == GroupKind.SHARE || groups.isEmpty()) {
            return out;
        }
        Map<String, KafkaFuture<ConsumerGroupDescription>> described = admin.describeConsumerGroups(groups,
                new DescribeConsumerGroupsOptions().timeoutMs((int) timeout.toMillis())).describedGroups();
        for (Map.Entry<String, KafkaFuture<ConsumerGroupDescription>> e : described.entrySet()) {
            try {
                ConsumerGroupDescription d = e.getValue().get(timeout.toMillis() * 2 + 1_000, TimeUnit.MILLISECONDS);
                Map<TopicPartition, Member> owners = new HashMap<>();
                for (MemberDescription m : d.members()) {
                    Member member = new Member(m.consumerId(), m.host(), m.clientId());
                    m.assignment().topicPartitions().forEach(tp -> owners.put(tp, member));
                }
                out.put(e.getKey(), owners);
            } catch (ExecutionException | TimeoutException ex) {
                out.put(e.getKey(), Map.of());
            }
        }
        return out;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
