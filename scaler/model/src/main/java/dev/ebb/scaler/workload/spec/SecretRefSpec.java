package dev.ebb.scaler.workload.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Secret in the ScaledWorkload's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretRefSpec {

    @Required
    @Pattern(ScaleTargetRefRules.DNS1123_SUBDOMAIN)
    @Size(min = 1, max = ScaleTargetRefRules.MAX_NAME)
    @JsonPropertyDescription("Name of the Secret in the ScaledWorkload's own namespace (a DNS-1123 subdomain).")
    private String name;

    public SecretRefSpec() {
    }

    public SecretRefSpec(String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}
