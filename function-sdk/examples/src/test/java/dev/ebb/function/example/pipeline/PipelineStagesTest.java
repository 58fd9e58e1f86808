package dev.ebb.function.example.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.function.internal.Json;
import dev.ebb.function.Record;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineStagesTest {

  private static Record<Object> record(String json) {
    return new Record<>("orders-raw", 0, 7, Instant.EPOCH, null, Json.parse(json), new RecordHeaders(), 1);
  }

  @Test
  void ingestTrimsIdsUpperCasesSkusDefaultsQuantityAndDropsOtherFields() {
    Map<String, Object> out = OrderIngest.normalize(record(
        "{\"orderId\":\" o-1 \",\"customerId\":\" c-7\",\"debug\":true,"
            + "\"items\":[{\"sku\":\" a-1 \",\"price\":9.5},{\"sku\":\"b\",\"qty\":2,\"price\":1}]}"));
    assertThat(out).containsOnlyKeys("orderId", "customerId", "items");
    assertThat(out).containsEntry("orderId", "o-1").containsEntry("customerId", "c-7");
    assertThat(out.get("items")).isEqualTo(List.of(
        Map.of("sku", "A-1", "qty", 1L, "price", 9.5),
        Map.of("sku", "B", "qty", 2L, "price", 1.0)));
  }

  @Test
  void ingestRejectsWhatItCannotNormalizeNamingFieldAndValue() {
    assertThatThrownBy(() -> OrderIngest.normalize(record("[1]"))).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> OrderIngest.normalize(record("{\"orderId\":\"  \"}")))
        .hasMessageContaining("for orderId").hasMessageContaining("non-blank");
    assertThatThrownBy(() -> OrderIngest.normalize(record("{\"orderId\":\"o\",\"items\":[{\"qty\":-2}]}")))
        .hasMessageContaining("Invalid value -2 for qty");
    assertThatThrownBy(() -> OrderIngest.normalize(record("{\"orderId\":\"o\",\"items\":[{\"qty\":1.5}]}")))
        .hasMessageContaining("Invalid value 1.5 for qty");
    assertThatThrownBy(() -> OrderIngest.normalize(record("{\"orderId\":\"o\",\"items\":[{\"price\":\"x\"}]}")))
        .hasMessageContaining("Invalid value x for price");
    assertThatThrownBy(() -> OrderIngest.normalize(record("{\"orderId\":\"o\",\"items\":[3]}")))
        .hasMessageContaining("not an object");
  }

  @Test
  void storeHandsTheIdAndTotalToTheSinkAndEmitsNothing() throws Exception {
    List<String> stored = new ArrayList<>();
    var function = OrderStore.function(Duration.ZERO, stored::add).recordFunction().orElseThrow();
    assertThat(function.apply(record("{\"orderId\":\"o-1\",\"total\":19.5}"))).isNull();
    assertThat(function.apply(record("{\"orderId\":\"o-2\"}"))).isNull();
    assertThat(stored).containsExactly("o-1 19.5", "o-2");
    assertThat(stored).extracting(OrderStore::orderId).containsExactly("o-1", "o-2");
    assertThatThrownBy(() -> function.apply(record("{\"total\":1}"))).hasMessageContaining("no orderId");
  }

  @Test
  void fileSinkAppendsOneLinePerStoredOrder(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("stored.txt");
    var function = OrderStore.function(Duration.ZERO, OrderStore.appendTo(file)).recordFunction().orElseThrow();
    function.apply(record("{\"orderId\":\"o-1\",\"total\":3}"));
    function.apply(record("{\"orderId\":\"o-2\",\"total\":4}"));
    assertThat(Files.readAllLines(file)).containsExactly("o-1 3", "o-2 4");
  }
}
