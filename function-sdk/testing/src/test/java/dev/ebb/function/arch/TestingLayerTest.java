package dev.ebb.function.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.ebb.function.testing.FunctionTestHarness;
import org.junit.jupiter.api.Test;

/** The test harness is written against the SDK's public API only, like the function it tests. */
class TestingLayerTest {

    @Test
    void harnessUsesOnlyThePublicSdk() {
        JavaClasses harness = new ClassFileImporter()
                .importUrl(FunctionTestHarness.class.getProtectionDomain().getCodeSource().getLocation());
        assertThat(harness.contain(FunctionTestHarness.class)).isTrue();
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.ebb.function.internal..",
                        "dev.ebb.function.example..", "dev.ebb.scaler..", "dev.ebb.testkit..")
                .check(harness);
    }
}
