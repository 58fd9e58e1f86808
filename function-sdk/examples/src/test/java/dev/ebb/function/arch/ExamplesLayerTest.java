package dev.ebb.function.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.ebb.function.example.OrderEnricher;
import org.junit.jupiter.api.Test;

/** The examples are what a user copies: the SDK's public API, kafka-clients and the JDK, nothing internal. */
class ExamplesLayerTest {

    @Test
    void examplesUseOnlyThePublicSdk() {
        JavaClasses examples = new ClassFileImporter()
                .importUrl(OrderEnricher.class.getProtectionDomain().getCodeSource().getLocation());
        assertThat(examples.contain(OrderEnricher.class)).isTrue();
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.ebb.function",
                        "dev.ebb.function.example..", "org.apache.kafka..")
                .check(examples);
    }
}
