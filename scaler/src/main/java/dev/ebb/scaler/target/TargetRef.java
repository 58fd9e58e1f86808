package dev.ebb.scaler.target;

/**
 * What to scale: a Kubernetes object with a scale subresource, or a local worker pool (namespace "local").
 */
public record TargetRef(String namespace, String apiVersion, String kind, String name) {
    public TargetRef {
        require("namespace", namespace);
        require("apiVersion", apiVersion);
        require("kind", kind);
        require("name", name);
    }

    private static void require(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Invalid value '" + value + "' for scaleTargetRef." + field
                    + ": must not be blank");
        }
    }

    @Override
    public String toString() {
        return kind + "/" + name + " (" + apiVersion + ", namespace " + namespace + ")";
    }
}
