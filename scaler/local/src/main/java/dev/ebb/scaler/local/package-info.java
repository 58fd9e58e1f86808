/**
 * Local mode: the scaler on one machine, with the same {@link dev.ebb.scaler.loop.ScalerLoop}, lag source and policy
 * as in a cluster.
 *
 * <ul>
 *   <li>Workloads: {@link dev.ebb.scaler.local.FileWorkloadCatalog} reads {@code ScaledWorkload} resources from a
 *       YAML/JSON file with the cluster's {@link dev.ebb.scaler.workload.WorkloadSpecMapper}; a change to the file
 *       applies on the next tick.</li>
 *   <li>Scale targets, matched by {@code scaleTargetRef.name}: {@link dev.ebb.scaler.local.LocalThreadScaleTarget}
 *       (in-process SDK workers; scale-down drains the newest in the background) and
 *       {@link dev.ebb.scaler.local.LocalProcessScaleTarget} (worker processes; SIGTERM, then SIGKILL after a grace
 *       period; every child stopped on close and from a shutdown hook), and with {@code --swarm NAME=SERVICE} a Docker
 *       Swarm service ({@link dev.ebb.scaler.target.SwarmScaleTarget}, through the Docker Engine API). Both do their work on their own threads and
 *       never block the Vert.x event loop that calls them.</li>
 *   <li>Live view: {@link dev.ebb.scaler.local.LiveDecisionListener} turns the loop's decisions into
 *       {@link dev.ebb.scaler.local.LiveLog} entries, shown by {@link dev.ebb.scaler.local.TerminalView} (a line per
 *       tick) and {@link dev.ebb.scaler.local.LiveWebServer} (a page with a live SVG chart, JSON and server-sent
 *       events; static files under {@code ebb-ui/} on the classpath, no external resources).</li>
 *   <li>{@link dev.ebb.scaler.local.LocalCommand}: {@code ebb local}.</li>
 * </ul>
 */
package dev.ebb.scaler.local;
