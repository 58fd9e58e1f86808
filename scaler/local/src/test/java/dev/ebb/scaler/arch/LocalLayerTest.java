package dev.ebb.scaler.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.ebb.scaler.local.LocalCommand;
import org.junit.jupiter.api.Test;

/**
 * Local mode (ebb-local) runs the scaler's loop on one machine: it uses the SDK's public API for in-process workers,
 * never Kubernetes, the launcher or the benchmarks.
 */
class LocalLayerTest {

    @Test
    void localModeUsesThePublicSdkAndNoKubernetes() {
        JavaClasses local = new ClassFileImporter()
                .importUrl(LocalCommand.class.getProtectionDomain().getCodeSource().getLocation());
        assertThat(local.contain(LocalCommand.class)).isTrue();
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.ebb.function.internal..",
                        "dev.ebb.scaler.k8s..", "dev.ebb.cli..", "dev.ebb.bench..", "dev.ebb.testkit..")
                .check(local);
    }

    @Test
    void webUiShipsWithLocalMode() {
        assertThat(LocalCommand.class.getClassLoader().getResource("ebb-ui/index.html")).isNotNull();
    }
}
