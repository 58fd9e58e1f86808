package dev.ebb.function.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void parsesNestedValuesIntoPlainJavaTypes() {
    Object v = Json.parse(" {\"a\": [1, 2.5, -3e2, true, null], \"b\": {\"c\": \"x\\n\\u00e9\\\"\"}} ");
    assertThat(v).isEqualTo(Map.of("a", java.util.Arrays.asList(1L, 2.5, -300.0, true, null),
        "b", Map.of("c", "x\né\"")));
  }

  @Test
  void writesWhatItReads() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", "o-1");
    m.put("items", List.of(Map.of("qty", 2L)));
    m.put("note", "tab\there \"quoted\"");
    m.put("none", null);
    String text = Json.write(m);
    assertThat(text).isEqualTo("{\"id\":\"o-1\",\"items\":[{\"qty\":2}],\"note\":\"tab\\there \\\"quoted\\\"\","
        + "\"none\":null}");
    assertThat(Json.parse(text)).isEqualTo(m);
  }

  @Test
  void namesThePositionOfMalformedInput() {
    assertThatThrownBy(() -> Json.parse("{\"a\" 1}")).hasMessageContaining("Invalid JSON at position 5: expected ':'");
    assertThatThrownBy(() -> Json.parse("[1, 2")).hasMessageContaining("unexpected end of input");
    assertThatThrownBy(() -> Json.parse("{} x")).hasMessageContaining("trailing");
  }

  @Test
  void refusesNonFiniteNumbers() {
    assertThatThrownBy(() -> Json.write(Double.NaN)).hasMessageContaining("must be finite");
  }

  @Test
  void refusesNestingDeeperThanTheLimitWithAClearError() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper than " + Json.MAX_DEPTH);
    assertThat(Json.parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH))).isInstanceOf(List.class);
    Object nested = List.of();
    for (int i = 0; i < 100_000; i++) {
      nested = List.of(nested);
    }
    Object tooDeep = nested;
    assertThatThrownBy(() -> Json.write(tooDeep)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper than " + Json.MAX_DEPTH);
  }
}
