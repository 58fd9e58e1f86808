/**
 * The Kubernetes side of the scaler: the ScaledWorkload informer ({@link dev.ebb.scaler.k8s.KubernetesWorkloadCatalog}),
 * the scale subresource, always in the workload's own namespace, read from shared informers and written with a
 * resourceVersion precondition ({@link dev.ebb.scaler.k8s.KubernetesScaleTarget}), the finalizer that restores a
 * deleted workload's target ({@link dev.ebb.scaler.k8s.WorkloadFinalizer}), status and Events
 * ({@link dev.ebb.scaler.k8s.KubernetesStatusReporter}), leader election on a Lease
 * ({@link dev.ebb.scaler.k8s.KubernetesLeaderElection}) and the service that wires them
 * ({@link dev.ebb.scaler.k8s.KubernetesScalerService}). Every blocking fabric8 call runs on a thread of these classes,
 * never on a Vert.x event loop. The resource and its CRD generator are the model module ({@code scaler/model},
 * {@code dev.ebb.scaler.crd.ScaledWorkloadCrd}). See {@code scaler/KUBERNETES.md}.
 */
package dev.ebb.scaler.k8s;
