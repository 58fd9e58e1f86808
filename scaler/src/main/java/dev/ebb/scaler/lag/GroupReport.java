package dev.ebb.scaler.lag;

import dev.ebb.scaler.policy.Observation;
import java.util.Optional;

/**
 * One group's observation plus what the source learned about the group itself. The scaler only needs the
 * observation; {@code ebb lag} also tells "this group does not exist" apart from "this group has no lag".
 *
 * @param observation the lag (with rates and time lag) or why it is unavailable
 * @param presence whether the group exists on the cluster, as far as this poll could tell
 * @param state the group state Kafka reported ({@code Stable}, {@code Empty}, …), when it was described
 */
public record GroupReport(Observation observation, Presence presence, Optional<String> state) {

    public GroupReport {
        if (observation == null) {
            throw new IllegalArgumentException("Invalid value null for observation: must not be null");
        }
        presence = presence == null ? Presence.UNKNOWN : presence;
        state = state == null ? Optional.empty() : state;
    }

    public enum Presence {
        /** The coordinator knows the group (it has members or committed offsets). */
        EXISTS,
        /** The coordinator does not know the group: no members, no committed offsets. */
        MISSING,
        /** The poll could not tell (the broker was unreachable, describing the group failed). */
        UNKNOWN
    }
}
