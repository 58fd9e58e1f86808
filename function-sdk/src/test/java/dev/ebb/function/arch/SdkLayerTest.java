package dev.ebb.function.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ebb-function-sdk is what a function's image ships: kafka-clients, the Prometheus client and the JDK. It knows
 * nothing of the scaler, Spring, its examples or its test harness (function-sdk/examples, function-sdk/testing).
 */
class SdkLayerTest {

    private static JavaClasses sdk;

    @BeforeAll
    static void importModule() {
        sdk = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // this module's own classes (a reactor dependency is a classes directory under `mvn test`)
                .importUrl(dev.ebb.function.FunctionWorker.class.getProtectionDomain().getCodeSource().getLocation());
        assertThat(sdk.stream().map(c -> c.getPackageName())).as("the SDK's classes").isNotEmpty()
                .allMatch(p -> p.startsWith("dev.ebb.function"));
    }

    @Test
    void usesOnlyKafkaPrometheusAndTheJdk() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "dev.ebb.function..",
                        "dev.ebb.common..", "org.apache.kafka..", "io.prometheus..", "com.sun.net.httpserver..",
                        "org.slf4j..")
                .check(sdk);
    }

    @Test
    void shipsNoExamplesOrTestHarness() {
        noClasses().should().resideInAnyPackage("dev.ebb.function.example..", "dev.ebb.function.testing..")
                .check(sdk);
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.ebb.scaler..", "dev.ebb.testkit..",
                        "org.springframework..")
                .check(sdk);
    }

    @Test
    void jsonIsInternal() {
        classes().that().haveSimpleName("Json").should().resideInAPackage("dev.ebb.function.internal")
                .check(sdk);
        assertThat(sdk.stream().filter(c -> c.getSimpleName().equals("Json"))).hasSize(1);
    }
}
