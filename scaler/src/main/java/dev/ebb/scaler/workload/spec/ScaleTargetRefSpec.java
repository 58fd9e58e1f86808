package dev.ebb.scaler.workload.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

/** {@code spec.scaleTargetRef}: the object whose scale subresource Ebb patches, in the workload's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaleTargetRefSpec {

    @Default("apps/v1")
    @JsonPropertyDescription("API version of the target, e.g. apps/v1.")
    private String apiVersion;

    @Default("Deployment")
    @JsonPropertyDescription("Kind of the target: Deployment, StatefulSet or a custom kind with a scale subresource.")
    private String kind;

    @Required
    @JsonPropertyDescription("Name of the target in the ScaledWorkload's namespace.")
    private String name;

    public ScaleTargetRefSpec() {
    }

    public ScaleTargetRefSpec(String apiVersion, String kind, String name) {
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.name = name;
    }

    public String getApiVersion() {
        return apiVersion;
    }

    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion;
    }

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}
