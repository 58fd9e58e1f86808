package dev.ebb.scaler.workload.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A Secret in the ScaledWorkload's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretRefSpec {

    @Required
    @JsonPropertyDescription("Name of the Secret.")
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
