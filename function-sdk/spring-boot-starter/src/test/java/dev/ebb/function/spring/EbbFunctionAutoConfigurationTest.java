package dev.ebb.function.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.function.Codecs;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.GroupProtocol;
import dev.ebb.function.Ordering;
import dev.ebb.function.ProcessingGuarantee;
import dev.ebb.function.Record;
import dev.ebb.function.RecordFunction;
import dev.ebb.function.WorkerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Properties, bean discovery, codecs and validation, without a broker (the worker is not started). */
class EbbFunctionAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(EbbFunctionAutoConfiguration.class))
      .withPropertyValues("ebb.function.auto-startup=false", "ebb.function.bootstrap-servers=localhost:9092",
          "ebb.function.topics=in", "ebb.function.group=g");

  @Configuration(proxyBeanMethods = false)
  static class Upper {
    @Bean
    Function<String, String> upper() {
      return String::toUpperCase;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Echo {
    @Bean
    Function<byte[], byte[]> echo() {
      return b -> b;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Orders {
    @Bean
    Function<Map<String, Object>, Map<String, Object>> enrich() {
      return m -> Map.of("id", m.get("id"), "seen", true);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Square {
    @Bean
    Function<Integer, String> square() {
      return i -> String.valueOf(i * i);
    }
  }

  static final List<Object> SINK = new CopyOnWriteArrayList<>();

  @Configuration(proxyBeanMethods = false)
  static class Sink {
    @Bean
    Consumer<String> sink() {
      return SINK::add;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class WithRecord {
    @Bean
    RecordFunction<String, String> tagged() {
      return r -> r.topic() + "/" + r.partition() + "@" + r.offset() + ":" + r.value();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Native {
    @Bean
    EbbFunction<String, String> reversed() {
      return EbbFunction.of(Codecs.string(), Codecs.string(), r -> new StringBuilder(r.value()).reverse().toString());
    }
  }

  private static WorkerConfig config(AssertableApplicationContext ctx) {
    assertThat(ctx).hasNotFailed();
    return ctx.getBean(EbbFunctionWorker.class).config();
  }

  private static EbbFunction<?, ?> function(AssertableApplicationContext ctx) {
    assertThat(ctx).hasNotFailed();
    return ctx.getBean(EbbFunctionWorker.class).function();
  }

  private static List<String> problems(AssertableApplicationContext ctx) {
    assertThat(ctx).hasFailed();
    Throwable t = ctx.getStartupFailure();
    while (t != null && !(t instanceof EbbFunctionConfigurationException)) {
      t = t.getCause();
    }
    assertThat(t).as("startup failure %s", ctx.getStartupFailure()).isNotNull();
    return ((EbbFunctionConfigurationException) t).problems();
  }

  @SuppressWarnings("unchecked")
  private static Object call(EbbFunction<?, ?> f, Object value) throws Exception {
    RecordFunction<Object, Object> fn = (RecordFunction<Object, Object>) f.recordFunction().orElseThrow();
    return fn.apply(new Record<>("in", 2, 7, Instant.EPOCH, null, value, new RecordHeaders(), 1));
  }

  @Test
  void mapsApplicationPropertiesToTheWorkerConfig() {
    runner.withUserConfiguration(Upper.class).withPropertyValues(
        "ebb.function.bootstrap-servers=b1:9092,b2:9092", "ebb.function.topics=in1, in2",
        "ebb.function.output-topic=out", "ebb.function.dlq-topic=dlq", "ebb.function.retries=5",
        "ebb.function.retry-backoff=250ms", "ebb.function.retry-backoff-max=2s", "ebb.function.concurrency=4",
        "ebb.function.ordering=key", "ebb.function.group-protocol=classic",
        "ebb.function.processing-guarantee=exactly-once", "ebb.function.commit-interval=500ms",
        "ebb.function.shutdown-grace=12s", "ebb.function.max-in-flight=77", "ebb.function.offset-reset=latest",
        "ebb.function.worker-id=w-1", "ebb.function.http-port=0",
        "ebb.function.kafka.security.protocol=SASL_SSL", "ebb.function.kafka.sasl.mechanism=PLAIN")
        .run(ctx -> {
          WorkerConfig c = config(ctx);
          assertThat(c.bootstrapServers()).isEqualTo("b1:9092,b2:9092");
          assertThat(c.topics()).containsExactly("in1", "in2");
          assertThat(c.group()).contains("g");
          assertThat(c.outputTopic()).contains("out");
          assertThat(c.dlqTopic()).contains("dlq");
          assertThat(c.retries()).isEqualTo(5);
          assertThat(c.retryBackoff()).isEqualTo(Duration.ofMillis(250));
          assertThat(c.retryBackoffMax()).isEqualTo(Duration.ofSeconds(2));
          assertThat(c.concurrency()).isEqualTo(4);
          assertThat(c.ordering()).isEqualTo(Ordering.KEY);
          assertThat(c.groupProtocol()).isEqualTo(GroupProtocol.CLASSIC);
          assertThat(c.guarantee()).isEqualTo(ProcessingGuarantee.EXACTLY_ONCE);
          assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(500));
          assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(12));
          assertThat(c.maxInFlight()).isEqualTo(77);
          assertThat(c.offsetReset()).isEqualTo("latest");
          assertThat(c.workerId()).isEqualTo("w-1");
          assertThat(c.httpPort()).hasValue(0);
          assertThat(c.kafka()).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN");
        });
  }

  @Test
  void keepsTheSdkDefaultsButLeavesTheSdkHttpEndpointOff() {
    runner.withUserConfiguration(Upper.class).run(ctx -> {
      WorkerConfig c = config(ctx);
      WorkerConfig sdk = WorkerConfig.builder().bootstrapServers("x:1").topics("in").group("g").build();
      assertThat(c.retries()).isEqualTo(sdk.retries());
      assertThat(c.shutdownGrace()).isEqualTo(sdk.shutdownGrace());
      assertThat(c.commitInterval()).isEqualTo(sdk.commitInterval());
      assertThat(c.guarantee()).isEqualTo(ProcessingGuarantee.AT_LEAST_ONCE);
      assertThat(c.httpPort()).isEmpty();
      assertThat(c.isShareGroup()).isFalse();
      assertThat(ctx.getBean(EbbFunctionWorker.class).isRunning()).isFalse();
    });
  }

  @Test
  void takesSpringKafkaBootstrapServersWhenEbbHasNone() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EbbFunctionAutoConfiguration.class))
        .withUserConfiguration(Upper.class)
        .withPropertyValues("ebb.function.auto-startup=false", "ebb.function.topics=in",
            "ebb.function.share-group=q", "spring.kafka.bootstrap-servers=k1:9092,k2:9092")
        .run(ctx -> {
          WorkerConfig c = config(ctx);
          assertThat(c.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
          assertThat(c.shareGroup()).contains("q");
          assertThat(c.group()).isEmpty();
        });
  }

  @Test
  void reportsEveryInvalidSettingAtOnceByItsPropertyName() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EbbFunctionAutoConfiguration.class))
        .withUserConfiguration(Upper.class)
        .withPropertyValues("ebb.function.auto-startup=false", "ebb.function.retries=-5",
            "ebb.function.concurrency=0", "ebb.function.offset-reset=middle", "ebb.function.group=g",
            "ebb.function.bootstrap-servers=b:1")
        .run(ctx -> assertThat(problems(ctx)).containsExactlyInAnyOrder(
            "Missing ebb.function.topics: at least one input topic is required",
            "Invalid value -5 for ebb.function.retries: must be >= 0",
            "Invalid value 0 for ebb.function.concurrency: must be between 1 and 1024",
            "Invalid value middle for ebb.function.offset-reset: must be earliest or latest"));
  }

  @Test
  void reportsSettingAndBeanProblemsTogether() {
    runner.withUserConfiguration(Square.class).withPropertyValues("ebb.function.retries=-1")
        .run(ctx -> assertThat(problems(ctx)).hasSize(2)
            .anySatisfy(p -> assertThat(p).startsWith("Invalid value -1 for ebb.function.retries"))
            .anySatisfy(p -> assertThat(p).startsWith("Missing ebb.function.codec.input: bean 'square'")));
  }

  @Test
  void refusesGroupAndShareGroupTogether() {
    runner.withUserConfiguration(Upper.class).withPropertyValues("ebb.function.share-group=q")
        .run(ctx -> assertThat(problems(ctx)).containsExactly("Invalid value q for ebb.function.share-group: set"
            + " either ebb.function.group or ebb.function.share-group, not both"));
  }

  @Test
  void refusesAnOutputTopicThatIsAnInputTopic() {
    runner.withUserConfiguration(Upper.class).withPropertyValues("ebb.function.output-topic=in")
        .run(ctx -> assertThat(problems(ctx)).singleElement().asString()
            .startsWith("Invalid value in for ebb.function.output-topic: must not be one of the input topics"));
  }

  @Test
  void reportsAnInvalidKafkaClientSettingByItsPropertyNameWhenTheWorkerStarts() {
    runner.withUserConfiguration(Upper.class).withPropertyValues("ebb.function.auto-startup=true",
            "ebb.function.dlq-topic=dlq", "ebb.function.kafka.security.protocol=BOGUS")
        .run(ctx -> assertThat(problems(ctx)).singleElement().asString()
            .startsWith("Invalid Kafka client setting (ebb.function.kafka.*): ")
            .contains("BOGUS"));
  }

  @Test
  void refusesToStartWithoutAFunctionBean() {
    runner.run(ctx -> assertThat(problems(ctx)).singleElement().asString()
        .startsWith("Missing function bean: declare one bean of type java.util.function.Function")
        .contains("ebb.function.enabled=false"));
  }

  @Test
  void asksWhichBeanWhenSeveralCouldBeTheFunction() {
    runner.withUserConfiguration(Upper.class, Sink.class)
        .run(ctx -> assertThat(problems(ctx)).singleElement().asString()
            .isEqualTo("Missing ebb.function.definition: 2 beans could be the function [upper, sink]; name the one"
                + " to run"));
    runner.withUserConfiguration(Upper.class, Sink.class).withPropertyValues("ebb.function.definition=sink")
        .run(ctx -> assertThat(ctx.getBean(EbbFunctionWorker.class).functionBean()).isEqualTo("sink"));
    runner.withUserConfiguration(Upper.class).withPropertyValues("ebb.function.definition=nope")
        .run(ctx -> assertThat(problems(ctx)).singleElement().asString()
            .startsWith("Invalid value nope for ebb.function.definition: no bean of that name"));
  }

  @Test
  void infersCodecsFromTheDeclaredTypes() {
    runner.withUserConfiguration(Upper.class).run(ctx -> {
      EbbFunction<?, ?> f = function(ctx);
      assertThat(f.inputCodec()).isSameAs(Codecs.string());
      assertThat(f.outputCodec()).isSameAs(Codecs.string());
      assertThat(call(f, "abc")).isEqualTo("ABC");
    });
    runner.withUserConfiguration(Echo.class).run(ctx -> {
      EbbFunction<?, ?> f = function(ctx);
      assertThat(f.inputCodec()).isSameAs(Codecs.bytes());
      assertThat(f.outputCodec()).isSameAs(Codecs.bytes());
    });
    runner.withUserConfiguration(Orders.class).run(ctx -> {
      EbbFunction<?, ?> f = function(ctx);
      Object order = f.inputCodec().decode("{\"id\":\"o-1\"}".getBytes(StandardCharsets.UTF_8));
      assertThat(call(f, order)).isEqualTo(Map.of("id", "o-1", "seen", true));
    });
  }

  @Test
  void configuredCodecsWinOverInference() {
    runner.withUserConfiguration(Upper.class)
        .withPropertyValues("ebb.function.codec.input=string", "ebb.function.codec.output=bytes")
        .run(ctx -> assertThat(problems(ctx)).containsExactly("Invalid value bytes for ebb.function.codec.output:"
            + " bean 'upper' returns java.lang.String, which bytes does not encode (string: String, bytes: byte[],"
            + " json: Map, List, String, Long, Double, Boolean)"));
    runner.withUserConfiguration(Upper.class)
        .withPropertyValues("ebb.function.codec.input=json", "ebb.function.codec.output=json")
        .run(ctx -> {
          EbbFunction<?, ?> f = function(ctx);
          assertThat(f.inputCodec()).isSameAs(Codecs.json());
          assertThat(f.outputCodec()).isSameAs(Codecs.json());
        });
  }

  @Test
  void refusesACodecThatCannotFeedTheFunction() {
    runner.withUserConfiguration(Square.class)
        .run(ctx -> assertThat(problems(ctx)).singleElement().asString()
            .startsWith("Missing ebb.function.codec.input: bean 'square' takes java.lang.Integer, which no built-in"
                + " codec decodes to"));
    runner.withUserConfiguration(Echo.class).withPropertyValues("ebb.function.codec.input=string")
        .run(ctx -> assertThat(problems(ctx)).singleElement().asString()
            .startsWith("Invalid value string for ebb.function.codec.input: bean 'echo' takes [B, which string does"
                + " not decode to"));
    runner.withUserConfiguration(Native.class).withPropertyValues("ebb.function.codec.input=bytes")
        .run(ctx -> assertThat(problems(ctx)).containsExactly("Invalid value bytes for ebb.function.codec.input:"
            + " bean 'reversed' is an EbbFunction and brings its own codecs"));
  }

  @Test
  void runsAConsumerBeanWithoutOutputAndRefusesAnOutputTopicForIt() throws Exception {
    runner.withUserConfiguration(Sink.class).run(ctx -> {
      SINK.clear();
      assertThat(call(function(ctx), "hello")).isNull();
      assertThat(SINK).containsExactly("hello");
    });
    runner.withUserConfiguration(Sink.class).withPropertyValues("ebb.function.output-topic=out")
        .run(ctx -> assertThat(problems(ctx)).containsExactly("Invalid value out for ebb.function.output-topic:"
            + " bean 'sink' is a Consumer and produces no output"));
  }

  @Test
  void passesRecordAndEbbFunctionBeansThrough() {
    runner.withUserConfiguration(WithRecord.class)
        .run(ctx -> assertThat(call(function(ctx), "v")).isEqualTo("in/2@7:v"));
    runner.withUserConfiguration(Native.class).run(ctx -> {
      assertThat(function(ctx)).isSameAs(ctx.getBean("reversed"));
      assertThat(call(function(ctx), "abc")).isEqualTo("cba");
    });
  }

  @Test
  void switchedOffByProperty() {
    runner.withUserConfiguration(Upper.class).withPropertyValues("ebb.function.enabled=false")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(EbbFunctionWorker.class)
            .doesNotHaveBean(EbbFunctionHealthIndicator.class));
  }

  @Test
  void healthIndicatorOnlyWithTheActuatorAndWithoutSecrets() {
    runner.withUserConfiguration(Upper.class).withPropertyValues("ebb.function.kafka.sasl.jaas.config=secret-jaas")
        .run(ctx -> {
          assertThat(ctx).hasSingleBean(EbbFunctionHealthIndicator.class);
          Health health = ctx.getBean("ebbFunctionHealthIndicator", HealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
          assertThat(health.getDetails()).containsEntry("state", "NOT_STARTED").containsEntry("group", "g")
              .containsEntry("function", "upper");
          assertThat(health.toString()).doesNotContain("secret-jaas");
          assertThat(ctx.getBean(EbbFunctionProperties.class).toString()).doesNotContain("secret-jaas");
        });
    runner.withUserConfiguration(Upper.class).withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(EbbFunctionWorker.class)
            .doesNotHaveBean(EbbFunctionHealthIndicator.class));
  }

  @Test
  void bindsMetersNamedAsTheSdkMetrics() {
    runner.withUserConfiguration(Upper.class).run(ctx -> {
      MeterRegistry registry = new SimpleMeterRegistry();
      ctx.getBean(EbbFunctionMeterBinder.class).bindTo(registry);
      assertThat(registry.get("ebb.records.processed").functionCounter().count()).isZero();
      assertThat(registry.get("ebb.records.dead.lettered").functionCounter().count()).isZero();
      assertThat(registry.get("ebb.busy").functionCounter().getId().getBaseUnit()).isEqualTo("seconds");
      assertThat(registry.get("ebb.worker.threads").gauge().value()).isEqualTo(1.0);
      assertThat(registry.get("ebb.records.in.flight").gauge().value()).isZero();
      assertThat(registry.get("ebb.busy.ratio").gauge().value()).isZero();
    });
    runner.withUserConfiguration(Upper.class)
        .withClassLoader(new FilteredClassLoader(io.micrometer.core.instrument.binder.MeterBinder.class))
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(EbbFunctionMeterBinder.class));
  }

  @Test
  void failureAnalysisListsEveryProblem() {
    FailureAnalysis analysis = new EbbFunctionFailureAnalyzer().analyze(new IllegalStateException("wrapped",
        new EbbFunctionConfigurationException(List.of("Invalid value -5 for ebb.function.retries: must be >= 0",
            "Missing ebb.function.topics: at least one input topic is required"))));
    assertThat(analysis.getDescription()).contains("  Invalid value -5 for ebb.function.retries: must be >= 0")
        .contains("  Missing ebb.function.topics");
    assertThat(analysis.getAction()).contains("ebb.function.*");
  }

  @Test
  void renamesSdkSettingNamesToProperties() {
    assertThat(WorkerConfigs.rename("Invalid Kafka client setting (EBB_KAFKA_*): x"))
        .isEqualTo("Invalid Kafka client setting (ebb.function.kafka.*): x");
    assertThat(WorkerConfigs.rename("Invalid value x for EBB_RETRY_BACKOFF_MAX: must be >= EBB_RETRY_BACKOFF (y)"))
        .isEqualTo("Invalid value x for ebb.function.retry-backoff-max: must be >= ebb.function.retry-backoff (y)");
    assertThat(Optional.of(WorkerConfigs.property(WorkerConfig.PROCESSING_GUARANTEE)))
        .contains("ebb.function.processing-guarantee");
  }
}
