package dev.ebb.scaler.cli;

import dev.ebb.scaler.lag.GroupQuery.GroupKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;

/** The ids of every consumer group (or share group) on a cluster, as {@code kafka-consumer-groups --list} lists them. */
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

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
