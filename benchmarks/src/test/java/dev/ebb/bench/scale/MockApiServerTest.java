package dev.ebb.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class MockApiServerTest {

    private static final String STORED = """
            {"metadata": {"name": "w", "labels": {"a": "1", "b": "2"}},
             "status": {"lag": 5, "mode": "drain",
                        "conditions": [{"type": "Ready", "reason": "Scaling"}, {"type": "Active", "reason": "Idle"}]}}
            """;

    @Test
    void aMergePatchReplacesTheConditionsListInsteadOfAppendingToIt() throws Exception {
        MockApiServer.CountingDispatcher dispatcher = new MockApiServer.CountingDispatcher();
        JsonNode stored = Serialization.jsonMapper().readTree(STORED);

        // What the scaler's status writer sends every flush, 100 times: the stored list must keep its size.
        for (int i = 0; i < 100; i++) {
            stored = dispatcher.merge(stored, """
                    {"status": {"lag": %d, "conditions": [{"type": "Ready", "reason": "Scaling"},
                                                     {"type": "Active", "reason": "BacklogAboveActivation"}]}}
                    """.formatted(i));
        }

        assertThat(stored.path("status").path("conditions").size()).isEqualTo(2);
        assertThat(stored.path("status").path("conditions").get(1).path("reason").asString())
                .isEqualTo("BacklogAboveActivation");
        assertThat(stored.path("status").path("lag").asInt()).isEqualTo(99);
    }

    @Test
    void aMergePatchMergesObjectsAndRemovesFieldsSetToNull() throws Exception {
        JsonNode stored = Serialization.jsonMapper().readTree(STORED);

        JsonNode merged = new MockApiServer.CountingDispatcher().merge(stored,
                "{\"metadata\": {\"labels\": {\"a\": null, \"c\": \"3\"}}, \"status\": {\"mode\": null}}");

        assertThat(merged.path("metadata").path("name").asString()).isEqualTo("w");
        assertThat(merged.path("metadata").path("labels").propertyNames()).containsExactlyInAnyOrder("b", "c");
        assertThat(merged.path("status").has("mode")).isFalse();
        assertThat(merged.path("status").path("conditions").size()).isEqualTo(2);
        // The stored resource itself is not changed: the mock decides afterwards whether to keep the result.
        assertThat(stored.path("metadata").path("labels").has("a")).isTrue();
    }
}
