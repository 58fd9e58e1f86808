/**
 * Spring Boot starter for the Ebb function SDK: a Spring Boot application with one {@code Function<I, O>},
 * {@code Consumer<I>}, {@link dev.ebb.function.RecordFunction} or {@link dev.ebb.function.EbbFunction} bean runs it
 * as an Ebb function worker, configured under {@code ebb.function.*}.
 *
 * <h2>Guarantees</h2>
 * The SDK's, unchanged (see {@link dev.ebb.function}): the starter only builds the
 * {@link dev.ebb.function.WorkerConfig} and the {@link dev.ebb.function.EbbFunction} and calls
 * {@link dev.ebb.function.FunctionWorker#start}. At-least-once commits, retries with backoff, the dead-letter
 * topic, ordering per partition (or key) and graceful drain all come from the SDK.
 *
 * <h2>Lifecycle</h2>
 * {@link dev.ebb.function.spring.EbbFunctionWorker} is a {@code SmartLifecycle} in phase
 * {@link dev.ebb.function.spring.EbbFunctionWorker#PHASE}: it starts after the context has refreshed and drains
 * synchronously when the context closes (SIGTERM), before the web server stops and before any bean is destroyed.
 * The drain is bounded by {@code ebb.function.shutdown-grace}, not by
 * {@code spring.lifecycle.timeout-per-shutdown-phase}.
 *
 * <h2>Threading</h2>
 * The function bean is called from the SDK's processing threads ({@code ebb.function.concurrency} of them), never
 * from a Spring thread; with concurrency above 1 it must be thread-safe, as singleton beans usually are.
 */
package dev.ebb.function.spring;
