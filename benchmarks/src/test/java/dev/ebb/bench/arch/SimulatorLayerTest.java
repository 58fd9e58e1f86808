package dev.ebb.bench.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.ebb.scaler.cli.Cli;
import org.junit.jupiter.api.Test;

/**
 * The simulator replays traces through the same pure code the scaler runs (ebb-policy: the policy and the reconcile
 * step, and the lag arithmetic), never through Kafka, Kubernetes, local mode or the loop's I/O.
 */
class SimulatorLayerTest {

    private static final JavaClasses BENCH = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // this module's own classes (a reactor dependency is a classes directory under `mvn test`)
            .importUrl(dev.ebb.bench.sim.SimulateCommand.class.getProtectionDomain().getCodeSource().getLocation());

    @Test
    void simulatorUsesOnlyThePureScalerCode() {
        classes().that().resideInAPackage("dev.ebb.bench.sim..")
                .should().onlyDependOnClassesThat(resideInAnyPackage("java..", "dev.ebb.bench.sim..",
                        "dev.ebb.scaler.policy..", "dev.ebb.scaler.reconcile..", "dev.ebb.scaler.lag..",
                        // the one duration grammar of every flag (java only)
                        "dev.ebb.common..",
                        // the report's CPU time, and `ebb simulate`'s command line (with the conventions every
                        // command shares, in Cli: no I/O beyond printing)
                        "com.sun.management..", "picocli..").or(belongToAnyOf(Cli.class)))
                .check(BENCH);
        noClasses().that().resideInAPackage("dev.ebb.bench.sim..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.vertx..",
                        "io.fabric8..")
                .check(BENCH);
    }
}
