package dev.ebb.scaler.workload.spec;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A workload Ebb scales: what to scale ({@code spec.scaleTargetRef}), whose backlog to watch ({@code spec.kafka})
 * and how to decide ({@code spec.policy}). The same type is read from the cluster (informer) and, in local mode,
 * from a YAML file.
 */
@Group(ScaledWorkload.GROUP)
@Version(ScaledWorkload.VERSION)
@Kind("ScaledWorkload")
@Plural("scaledworkloads")
@Singular("scaledworkload")
@ShortNames({"sw", "ebb"})
@AdditionalPrinterColumn(name = "Target", jsonPath = ".spec.scaleTargetRef.name",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Lag", jsonPath = ".status.lag", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Time-Lag", jsonPath = ".status.timeLag", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Desired", jsonPath = ".status.desiredReplicas",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Current", jsonPath = ".status.currentReplicas",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".status.mode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.lastReason", type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class ScaledWorkload extends CustomResource<ScaledWorkloadSpec, ScaledWorkloadStatus> implements Namespaced {

    public static final String GROUP = "ebb.dev";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    /** KEDA-style: {@code "true"} leaves the target alone. */
    public static final String PAUSED_ANNOTATION = "ebb.dev/paused";
    /** KEDA-style: holds the target at this replica count. */
    public static final String PAUSED_REPLICAS_ANNOTATION = "ebb.dev/paused-replicas";

    @Override
    protected ScaledWorkloadSpec initSpec() {
        return new ScaledWorkloadSpec();
    }

    @Override
    protected ScaledWorkloadStatus initStatus() {
        return null;
    }
}
