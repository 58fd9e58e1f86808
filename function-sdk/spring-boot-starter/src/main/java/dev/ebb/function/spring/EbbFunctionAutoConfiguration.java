package dev.ebb.function.spring;

import dev.ebb.function.WorkerConfig;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Runs the application's function bean as an Ebb function worker: {@link EbbFunctionWorker} (lifecycle), plus an
 * actuator health indicator and Micrometer meters when those are on the classpath. Off with
 * {@code ebb.function.enabled=false}; replaced by declaring your own {@link EbbFunctionWorker} bean.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = EbbFunctionProperties.PREFIX, name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(EbbFunctionProperties.class)
public class EbbFunctionAutoConfiguration {
  static final String WORKER_BEAN = "ebbFunctionWorker";

  @Bean(WORKER_BEAN)
  @ConditionalOnMissingBean
  EbbFunctionWorker ebbFunctionWorker(EbbFunctionProperties properties, ConfigurableListableBeanFactory beans,
                                      Environment environment, ApplicationEventPublisher events) {
    List<String> problems = new ArrayList<>();
    WorkerConfig config = null;
    FunctionBeans.Resolved function = null;
    try {
      config = WorkerConfigs.from(properties, springKafkaBootstrapServers(environment));
    } catch (EbbFunctionConfigurationException e) {
      problems.addAll(e.problems());
    }
    try {
      function = FunctionBeans.resolve(beans, properties);
    } catch (EbbFunctionConfigurationException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      throw new EbbFunctionConfigurationException(problems); // settings and beans, every problem at once
    }
    // Destroyed before the function bean (and so before whatever the function uses): the drain comes first.
    beans.registerDependentBean(function.beanName(), WORKER_BEAN);
    return new EbbFunctionWorker(function.function(), config, function.beanName(), properties.isAutoStartup(),
        events);
  }

  private static Optional<String> springKafkaBootstrapServers(Environment environment) {
    String servers = Binder.get(environment).bind("spring.kafka.bootstrap-servers", Bindable.listOf(String.class))
        .map(list -> String.join(",", list)).orElse(null);
    return Optional.ofNullable(servers).filter(s -> !s.isBlank());
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "ebbFunctionHealthIndicator")
    EbbFunctionHealthIndicator ebbFunctionHealthIndicator(EbbFunctionWorker worker) {
      return new EbbFunctionHealthIndicator(worker);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterBinder.class)
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean
    EbbFunctionMeterBinder ebbFunctionMeterBinder(EbbFunctionWorker worker) {
      return new EbbFunctionMeterBinder(worker);
    }
  }

}
