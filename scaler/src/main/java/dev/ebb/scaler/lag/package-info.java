/**
 * Lag of Kafka consumer and share groups: what Ebb scales on (scaler/LAG.md defines every number).
 *
 * <p>The shape, from the outside in:
 * <ul>
 *   <li>{@link dev.ebb.scaler.lag.LagSource} — the port the scaler loop polls: queries in, one
 *       {@link dev.ebb.scaler.policy.Observation} per query out, never failing as a whole;</li>
 *   <li>{@link dev.ebb.scaler.lag.KafkaAdminLagSource} — its Kafka implementation (one Admin client per cluster),
 *       which only sequences three parts:
 *       <ol>
 *         <li>{@code AdminLagReader} — the Admin I/O: two round trips of batched requests, each key's answer as an
 *             {@code Outcome} of Ebb's own values;</li>
 *         <li>{@code LagAssembler} — pure: which partitions a query covers and each one's lag (consumer and share
 *             groups on one path), or why the group is Unavailable; unit-tested without a broker;</li>
 *         <li>{@code LagCache} — what is kept between polls: partition lists, group descriptions and log-start
 *             offsets (so a poll does not read what cannot have changed), and each group's history;</li>
 *       </ol></li>
 *   <li>{@link dev.ebb.scaler.lag.LagCalculator} and {@link dev.ebb.scaler.lag.ObservationHistory} — pure
 *       arithmetic: per-partition lag, and rates and time lag from a group's recent samples;</li>
 *   <li>{@link dev.ebb.scaler.lag.AdminFailures} — Admin failures as Unavailable reasons;
 *       {@link dev.ebb.scaler.lag.KafkaClientSettings} — which tenant client settings reach the Admin client.</li>
 * </ul>
 */
package dev.ebb.scaler.lag;
