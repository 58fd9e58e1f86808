/**
 * The Ebb function SDK: write a function, get a Kafka consumer that can be added, removed or killed at any moment
 * without losing a record.
 *
 * <h2>What you write</h2>
 * An {@link dev.ebb.function.EbbFunction}: a {@link dev.ebb.function.RecordFunction} (one record in, an optional
 * result out) or a {@link dev.ebb.function.BatchFunction}, with {@link dev.ebb.function.Codecs codecs} for its input
 * and output. {@link dev.ebb.function.FunctionWorker#run(EbbFunction)} is the whole {@code main}; settings come from
 * environment variables or a properties file ({@link dev.ebb.function.WorkerConfig}).
 *
 * <h2>Threading</h2>
 * One poll thread owns the Kafka consumer; {@code EBB_CONCURRENCY} processing threads ("lanes") call the function.
 * A function instance is called from several threads at once when the concurrency is above 1, but never with two
 * records that must stay ordered (see below); it must be thread-safe in that sense. A call may block (I/O, sleeps):
 * it holds up only its own lane. All public types here are immutable or thread-safe.
 *
 * <h2>Ordering</h2>
 * With {@link dev.ebb.function.Ordering#PARTITION} (default) the records of one partition are processed one at a
 * time, in offset order; with {@link dev.ebb.function.Ordering#KEY}, records with the same key of one partition are
 * in offset order and different keys may run in parallel. Retries happen in place, so a record that is being retried
 * holds back the records ordered after it (until it succeeds or is dead-lettered). Results are sent to the output
 * topic in processing order, keyed by the input key. Share groups give no ordering.
 *
 * <h2>Commits (at-least-once, the default)</h2>
 * <ul>
 *   <li>An offset is committed only when every record before it in that partition has finished: processed and its
 *       result acknowledged by the output topic, or failed every attempt and acknowledged by the dead-letter topic.
 *       A crash therefore re-delivers exactly the records after the last committed offset; nothing is lost.</li>
 *   <li>Commits happen every {@code EBB_COMMIT_INTERVAL} (asynchronously), and synchronously when a partition is
 *       revoked and when the worker stops.</li>
 *   <li>Graceful drain on SIGTERM, {@link dev.ebb.function.RunningWorker#close()} and partition revocation: fetching
 *       stops, in-flight records finish (bounded by {@code EBB_SHUTDOWN_GRACE}), finished offsets are committed, and
 *       only then is the partition given up (the worker leaves the group on shutdown). Records still unfinished when
 *       the grace runs out are not committed: the partition's new owner processes them again.</li>
 *   <li>A record that keeps failing is retried {@code EBB_RETRIES} times with exponential backoff and jitter, then
 *       sent to {@code EBB_DLQ_TOPIC} with the headers of {@link dev.ebb.function.DeadLetterHeaders} (or logged and
 *       skipped without a dead-letter topic); the partition moves on. A value the input codec cannot decode goes to
 *       the dead-letter topic at once.</li>
 *   <li>An output or dead-letter send that fails (after the producer's own retries) stops the worker without
 *       committing: its records are delivered again. A dead letter larger than {@code max.request.size} is sent with
 *       its value cut to fit and the header {@link dev.ebb.function.DeadLetterHeaders#TRUNCATED}.</li>
 *   <li>A non-fatal {@link Error} thrown by the function or a codec ({@link StackOverflowError},
 *       {@link AssertionError}, {@link LinkageError}, ...) fails the attempt like an exception. A fatal one
 *       ({@link VirtualMachineError} other than {@link StackOverflowError}) stops the worker at once without
 *       committing: {@code /healthz} answers 503, {@link dev.ebb.function.RunningWorker#termination()} completes with
 *       the error, {@link dev.ebb.function.FunctionWorker#run(EbbFunction)} exits with status 1.</li>
 * </ul>
 *
 * <h2>Exactly-once</h2>
 * With {@link dev.ebb.function.ProcessingGuarantee#EXACTLY_ONCE} each poll's records are processed and their
 * outputs, dead letters and input offsets are committed in one Kafka transaction ({@code sendOffsetsToTransaction}
 * with the consumer's group metadata, so a fenced zombie cannot commit). Input offsets are committed only inside the
 * transaction that carries their outputs, never outside one (not on shutdown, not after an abort). A transaction is
 * bounded by time: the poll's records run in chunks and the transaction commits once it has been open for half of
 * {@code transaction.timeout.ms}; a commit that times out is retried, never followed by an abort. On revocation the
 * open transaction is finished and committed inside the callback (or aborted if its records do not finish within
 * the grace). Consumers of the output topic that read
 * with {@code isolation.level=read_committed} see each result once, across crashes and rebalances. A crashed
 * worker's open transaction is aborted when a worker with the same {@code EBB_WORKER_ID} starts (stable ids, e.g. a
 * StatefulSet pod name) or after {@code transaction.timeout.ms} (10 s by default here).
 *
 * <h2>Groups</h2>
 * Consumer groups use the KIP-848 protocol ({@code group.protocol=consumer}) when the cluster supports it, classic
 * with cooperative rebalancing otherwise or when {@code EBB_GROUP_PROTOCOL=classic}. With {@code EBB_SHARE_GROUP}
 * the worker joins a share group (KIP-932): each record is acknowledged as soon as it is finished (ACCEPT, or REJECT
 * after the dead-letter send) and RELEASEd if unfinished at shutdown; refused acknowledgements are counted in
 * {@code ebb_acknowledgements_failed_total}.
 *
 * <h2>Observability</h2>
 * {@code /healthz}, {@code /readyz} and Prometheus {@code /metrics} on {@code EBB_HTTP_PORT}:
 * {@code ebb_records_processed_total}, {@code ebb_records_failed_total}, {@code ebb_records_retried_total},
 * {@code ebb_records_dead_lettered_total}, {@code ebb_records_abandoned_total}, {@code ebb_records_in_flight}, {@code ebb_processing_seconds}
 * (histogram), {@code ebb_commit_seconds} (histogram), {@code ebb_assigned_partitions}, {@code ebb_busy_ratio},
 * {@code ebb_busy_seconds_total} and {@code ebb_worker_threads}. A worker's capacity is its records/s divided by its
 * busy ratio.
 */
package dev.ebb.function;
