package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadStatus;
import dev.ebb.scaler.workload.spec.WorkloadCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Guards the dependency pitfall of issue 2: fabric8 8 (Jackson 3) needs jackson-annotations 2.2x, and the Vert.x BOM
 * manages an older one. The parent pom manages 2.22 before the BOMs; if that ever slips, fabric8 fails at runtime
 * while serializing, which these round trips catch.
 */
class JacksonCompatibilityTest {

    @Test
    void runsWithTheJacksonAnnotationsFabric8Needs() {
        String version = JsonInclude.class.getPackage().getImplementationVersion();
        assertThat(version).as("jackson-annotations on the classpath").isNotNull();
        String[] parts = version.split("\\.");
        assertThat(Integer.parseInt(parts[0]) * 1000 + Integer.parseInt(parts[1])).as(version)
                .isGreaterThanOrEqualTo(2020);
    }

    @Test
    void roundTripsAFabric8ObjectThroughJsonAndYaml() {
        Deployment d = new DeploymentBuilder().withNewMetadata().withName("orders-fn").withNamespace("shop")
                .endMetadata().withNewSpec().withReplicas(3).endSpec().build();
        assertThat(Serialization.unmarshal(Serialization.asJson(d), Deployment.class)).isEqualTo(d);
        assertThat(Serialization.unmarshal(Serialization.asYaml(d), Deployment.class)).isEqualTo(d);
    }

    @Test
    void roundTripsTheScaledWorkloadStatus() {
        ScaledWorkload sw = new ScaledWorkload();
        sw.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("orders").build());
        ScaledWorkloadStatus status = new ScaledWorkloadStatus();
        status.setLag(400L);
        status.setDesiredReplicas(4);
        status.setConditions(List.of(new WorkloadCondition("Ready", "True", "Scaling", "ok",
                "2026-01-01T00:00:00Z", 2L)));
        sw.setStatus(status);
        String json = Serialization.asJson(sw);
        assertThat(json).contains("\"apiVersion\":\"ebb.dev/v1alpha1\"").doesNotContain("\"timeLag\"");
        ScaledWorkload back = Serialization.unmarshal(json, ScaledWorkload.class);
        assertThat(back.getStatus()).isEqualTo(status);
    }
}
