package dev.ebb.scaler.workload;

/** Identity of a workload: the ScaledWorkload's namespace and name ("local" namespace in local mode). */
public record WorkloadId(String namespace, String name) {
    public WorkloadId {
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("Invalid value '" + namespace + "' for metadata.namespace: must not be blank");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Invalid value '" + name + "' for metadata.name: must not be blank");
        }
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
