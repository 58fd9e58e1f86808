package dev.ebb.scaler.workload;

import java.util.List;

/** One workload of a catalog: runnable, or invalid with every problem found. */
public sealed interface CatalogEntry permits CatalogEntry.Valid, CatalogEntry.Invalid {

    WorkloadId id();

    record Valid(Workload workload) implements CatalogEntry {
        @Override
        public WorkloadId id() {
            return workload.id();
        }
    }

    /**
     * @param problems each naming field, value and rule, e.g. {@code Invalid value -5 for spec.policy.lagThreshold: must be > 0}
     */
    record Invalid(WorkloadId id, List<String> problems) implements CatalogEntry {
        public Invalid {
            problems = List.copyOf(problems);
        }
    }
}
