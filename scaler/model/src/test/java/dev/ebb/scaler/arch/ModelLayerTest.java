package dev.ebb.scaler.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ebb-scaler-model is the ScaledWorkload resource as data: the spec/status classes use the fabric8 model and its
 * schema annotations, the policy's settings and nothing of the runtime (no Kafka, no Vert.x, no client calls).
 * The CRD generator (dev.ebb.scaler.crd) reads the model; the model never reads it.
 */
class ModelLayerTest {

    private static JavaClasses model;

    @BeforeAll
    static void importModule() {
        model = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // this module's own classes (a reactor dependency is a classes directory under `mvn test`)
                .importUrl(dev.ebb.scaler.workload.spec.ScaledWorkload.class.getProtectionDomain().getCodeSource().getLocation());
        assertThat(model.stream().map(c -> c.getPackageName()))
                .as("ebb-scaler-model's classes").isNotEmpty()
                .allMatch(p -> p.startsWith("dev.ebb.scaler.workload.spec") || p.startsWith("dev.ebb.scaler.crd"));
    }

    @Test
    void specUsesOnlyTheModelAnnotationsAndThePolicySettings() {
        classes().that().resideInAPackage("dev.ebb.scaler.workload.spec..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..",
                        "dev.ebb.scaler.workload.spec..", "dev.ebb.scaler.policy..", "dev.ebb.common..",
                        "io.fabric8.kubernetes.api.model..", "io.fabric8.kubernetes.model.annotation..",
                        "io.fabric8.generator.annotation..", "io.fabric8.crd.generator.annotation..",
                        "io.fabric8.kubernetes.client", "com.fasterxml.jackson.annotation..")
                .because("the model is data: CustomResource is its only fabric8 client type")
                .check(model);
    }

    @Test
    void modelKnowsNoRuntime() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "dev.ebb.scaler.lag..", "dev.ebb.scaler.loop..", "dev.ebb.scaler.k8s..",
                        "dev.ebb.scaler.target..", "dev.ebb.scaler.metrics..", "dev.ebb.scaler.http..",
                        "dev.ebb.scaler.cli..", "dev.ebb.scaler.keda..", "dev.ebb.scaler.local..", "dev.ebb.function..",
                        "org.apache.kafka..", "io.vertx..", "io.prometheus..")
                .check(model);
        noClasses().that().resideInAPackage("dev.ebb.scaler.workload.spec..")
                .should().dependOnClassesThat().resideInAPackage("dev.ebb.scaler.crd..")
                .check(model);
    }
}
