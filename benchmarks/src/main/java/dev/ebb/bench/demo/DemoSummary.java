package dev.ebb.bench.demo;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The measured outcome of one run.
 *
 * @param burstToFirstScaleUp from the first record of the burst to the first scale-up the loop asked for
 * @param burstDrained from the first record of the burst until its last record was processed
 * @param replicaSeconds integral of the replica count over the run
 * @param lost acknowledged records never seen in the output
 * @param duplicated output records whose id was seen before
 */
public record DemoSummary(String label, String trace, String mode, String workers, int partitions,
                          Duration pollInterval, Instant start, Instant end, Optional<Duration> burstToFirstScaleUp,
                          Optional<Duration> burstDrained, double replicaSeconds, int peakReplicas,
                          int finalReplicas, int minReplicas, long burstRecords, long produced, long processed,
                          long lost, long duplicated, long failedSends, int scaleChanges) {

    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("label", label)
                .put("trace", trace)
                .put("mode", mode)
                .put("workers", workers)
                .put("partitions", partitions)
                .put("pollIntervalSeconds", pollInterval.toMillis() / 1000.0)
                .put("start", start.toString())
                .put("end", end.toString())
                .put("durationSeconds", Duration.between(start, end).toMillis() / 1000.0)
                .put("replicaSeconds", Math.round(replicaSeconds * 10) / 10.0)
                .put("peakReplicas", peakReplicas)
                .put("finalReplicas", finalReplicas)
                .put("minReplicas", minReplicas)
                .put("burstRecords", burstRecords)
                .put("produced", produced)
                .put("processed", processed)
                .put("lost", lost)
                .put("duplicated", duplicated)
                .put("failedSends", failedSends)
                .put("scaleChanges", scaleChanges);
        burstToFirstScaleUp.ifPresent(d -> json.put("burstToFirstScaleUpSeconds", d.toMillis() / 1000.0));
        burstDrained.ifPresent(d -> json.put("burstDrainedSeconds", d.toMillis() / 1000.0));
        return json;
    }

    /** The summary as a few lines of text for the terminal. */
    public String text() {
        return String.format(Locale.ROOT, """
                %s — trace %s, %s mode, %s workers, %d partitions, poll every %s
                  burst -> first scale-up : %s
                  burst drained after     : %s
                  replica-seconds         : %,.1f (peak %d replicas, %d scale changes, final %d, minimum %d)
                  records produced        : %,d (burst %,d, failed sends %,d)
                  records processed       : %,d
                  records lost            : %,d
                  records duplicated      : %,d""",
                label, trace, mode, workers, partitions, seconds(pollInterval),
                burstToFirstScaleUp.map(DemoSummary::seconds).orElse("no scale-up after the burst"),
                burstDrained.map(DemoSummary::seconds).orElse("not drained"),
                replicaSeconds, peakReplicas, scaleChanges, finalReplicas, minReplicas, produced, burstRecords,
                failedSends, processed, lost, duplicated);
    }

    public static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
    }
}
