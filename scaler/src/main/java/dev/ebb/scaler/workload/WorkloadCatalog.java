package dev.ebb.scaler.workload;

import java.util.List;

/**
 * Where workloads come from: ScaledWorkload resources (informer) in a cluster, a YAML file in local mode. The loop
 * reads it every tick, so a change takes effect on the next tick; a workload that disappears stops.
 */
public interface WorkloadCatalog {

    /** The current workloads, valid and invalid. Must not block: called on the Vert.x event loop. */
    List<CatalogEntry> entries();
}
