package dev.ebb.scaler.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.ebb.scaler.cli.ScalerCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Import rules of the scaler runtime (ebb-scaler's own classes, not its dependencies): it never reaches into local
 * mode, the SDK, the launcher or the benchmarks; the Kubernetes adapter sits at the edge (only the commands wire it);
 * the lag reader and the loop know nothing of Kubernetes; no package cycles.
 */
class ScalerLayersTest {

    private static JavaClasses scaler;

    @BeforeAll
    static void importScalerClasses() {
        scaler = new ClassFileImporter()
                .importUrl(ScalerCommand.class.getProtectionDomain().getCodeSource().getLocation());
        assertThat(scaler.contain(ScalerCommand.class)).as("ebb-scaler's classes imported").isTrue();
    }

    @Test
    void runtimeUsesNoLocalModeSdkLauncherOrBenchmarks() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "dev.ebb.scaler.local..", "dev.ebb.function..", "dev.ebb.cli..", "dev.ebb.bench..",
                        "dev.ebb.testkit..", "org.slf4j.simple..")
                .because("the scaler image ships none of them (ScalerArtifactTest)")
                .check(scaler);
    }

    @Test
    void kubernetesAdapterIsUsedOnlyByTheCommands() {
        noClasses().that().resideOutsideOfPackages("dev.ebb.scaler.k8s..", "dev.ebb.scaler.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.ebb.scaler.k8s..")
                .because("the loop, lag, targets and metrics run without Kubernetes (local mode, simulator, tests)")
                .check(scaler);
    }

    @Test
    void lagReaderKnowsNoLoopWorkloadOrKubernetes() {
        noClasses().that().resideInAPackage("dev.ebb.scaler.lag..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.ebb.scaler.loop..", "dev.ebb.scaler.k8s..",
                        "dev.ebb.scaler.workload..", "dev.ebb.scaler.target..", "dev.ebb.scaler.http..",
                        "dev.ebb.scaler.metrics..", "dev.ebb.scaler.cli..", "dev.ebb.scaler.keda..", "io.fabric8..",
                        "io.vertx..")
                .check(scaler);
    }

    @Test
    void loopAndTargetsKnowNoKubernetesClientOrCommands() {
        noClasses().that().resideInAnyPackage("dev.ebb.scaler.loop..", "dev.ebb.scaler.target..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fabric8..", "dev.ebb.scaler.cli..",
                        "dev.ebb.scaler.keda..", "dev.ebb.scaler.http..")
                .check(scaler);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.ebb.scaler.(*)..").should().beFreeOfCycles().check(scaler);
    }
}
