package dev.ebb.function.spring.example;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * An Ebb function worker written as a Spring Boot application: one {@code Function} bean, settings in
 * {@code application.yaml} ({@code ebb.function.*}). Values starting with {@code poison} always fail, so they end in
 * the dead-letter topic after the retries; {@code example.work} is an artificial cost per record.
 */
@SpringBootApplication
public class UppercaseWorkerApplication {

  @Bean
  Function<String, String> uppercase(@Value("${example.work:0ms}") Duration work) {
    return value -> {
      if (value.startsWith("poison")) {
        throw new IllegalArgumentException("cannot uppercase " + value);
      }
      if (!work.isZero()) {
        try {
          Thread.sleep(work.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
      return value.toUpperCase(Locale.ROOT);
    };
  }

  public static void main(String[] args) {
    SpringApplication.run(UppercaseWorkerApplication.class, args);
  }
}
