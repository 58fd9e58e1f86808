/**
 * The ScaledWorkload CustomResourceDefinition, generated from the model in {@code dev.ebb.scaler.workload.spec}
 * ({@link dev.ebb.scaler.crd.ScaledWorkloadCrd}, with the rules the annotations cannot express in
 * {@code CrdSchemaRules}). Used to write {@code deploy/crd/} and by tests and benchmarks that install the CRD into a
 * mock API server; fabric8's generator is an optional dependency of this module, so the scaler image does not ship it.
 */
package dev.ebb.scaler.crd;
