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
 * ebb-policy is pure (docs/adr/0003-pure-policy.md): the policy and the reconcile step use only {@code java.*}, read
 * no clock, do no I/O and start no threads, so the loop, the simulator and the tests get the same answer for the same
 * inputs. Checked on the compiled classes (every sub-package), next to the source-level PolicyImportsTest.
 */
class PolicyLayerTest {

    private static JavaClasses policy;

    @BeforeAll
    static void importModule() {
        policy = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // this module's own classes (a reactor dependency is a classes directory under `mvn test`)
                .importUrl(dev.ebb.scaler.policy.ScalingPolicy.class.getProtectionDomain().getCodeSource().getLocation());
        assertThat(policy.stream().map(c -> c.getPackageName()))
                .as("ebb-policy's classes").isNotEmpty()
                .allMatch(p -> p.startsWith("dev.ebb.scaler.policy") || p.startsWith("dev.ebb.scaler.reconcile"));
    }

    @Test
    void usesOnlyJava() {
        classes().should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.ebb.scaler.policy..", "dev.ebb.scaler.reconcile..")
                .check(policy);
    }

    @Test
    void policyDoesNotKnowTheReconcileStep() {
        noClasses().that().resideInAPackage("dev.ebb.scaler.policy..")
                .should().dependOnClassesThat().resideInAPackage("dev.ebb.scaler.reconcile..")
                .because("reconcile turns a Decision into an action; the policy only decides")
                .check(policy);
    }

    @Test
    void readsNoClockAndDoesNoIo() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "java.io..", "java.nio..", "java.net..", "java.util.concurrent..", "java.util.random..")
                .orShould().dependOnClassesThat().belongToAnyOf(
                        java.time.Clock.class, java.time.InstantSource.class, Thread.class, java.util.Random.class,
                        ProcessBuilder.class, Runtime.class)
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(Math.class, "random")
                .orShould().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .check(policy);
    }
}
