package dev.ebb.scaler.workload.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * {@code spec.scaleTargetRef}: the object whose scale subresource Ebb patches, always in the workload's namespace.
 * The schema patterns are {@link ScaleTargetRefRules}'; the scaler checks the same rules again.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaleTargetRefSpec {

    @Default(ScaleTargetRefRules.DEFAULT_API_VERSION)
    @Pattern(ScaleTargetRefRules.API_VERSION)
    @Size(min = 2, max = ScaleTargetRefRules.MAX_API_VERSION)
    @JsonPropertyDescription("API version of the target, e.g. apps/v1: a DNS-1123 subdomain group, a slash, a "
            + "version like v1 or v2beta1.")
    private String apiVersion;

    @Default(ScaleTargetRefRules.DEFAULT_KIND)
    @Pattern(ScaleTargetRefRules.KIND)
    @Size(min = 1, max = ScaleTargetRefRules.MAX_KIND)
    @JsonPropertyDescription("Kind of the target: Deployment, StatefulSet or a custom kind with a scale subresource.")
    private String kind;

    @Required
    @Pattern(ScaleTargetRefRules.DNS1123_SUBDOMAIN)
    @Size(min = 1, max = ScaleTargetRefRules.MAX_NAME)
    @JsonPropertyDescription("Name of the target (a DNS-1123 subdomain) in the ScaledWorkload's own namespace; a "
            + "ScaledWorkload cannot name an object in another namespace.")
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
