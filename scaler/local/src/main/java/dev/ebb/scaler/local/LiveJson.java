package dev.ebb.scaler.local;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The live log as JSON for the web page and for summaries. Times are epoch milliseconds. */
public final class LiveJson {

    private LiveJson() {
    }

    public static JsonObject snapshot(LiveLog.Snapshot snapshot, String title) {
        JsonArray samples = new JsonArray();
        snapshot.samples().forEach(s -> samples.add(sample(s)));
        JsonArray decisions = new JsonArray();
        snapshot.decisions().forEach(s -> decisions.add(sample(s)));
        JsonArray annotations = new JsonArray();
        snapshot.annotations().forEach(a -> annotations.add(annotation(a)));
        return new JsonObject()
                .put("title", title)
                .put("now", System.currentTimeMillis())
                .put("seq", snapshot.lastSeq())
                .put("samples", samples)
                .put("decisions", decisions)
                .put("annotations", annotations);
    }

    public static JsonObject sample(LiveLog.Sampled entry) {
        LiveSample s = entry.sample();
        JsonObject json = new JsonObject()
                .put("seq", entry.seq())
                .put("t", s.at().toEpochMilli())
                .put("workload", s.workload())
                .put("desired", s.desiredReplicas())
                .put("current", s.currentReplicas())
                .put("kind", s.kind())
                .put("reason", s.reason())
                .put("outcome", s.outcome())
                .put("change", s.changed().name().toLowerCase(java.util.Locale.ROOT));
        s.lag().ifPresent(v -> json.put("lag", v));
        s.arrivalRate().ifPresent(v -> json.put("arrival", round(v)));
        s.consumptionRate().ifPresent(v -> json.put("consumption", round(v)));
        s.timeLag().ifPresent(v -> json.put("timeLagMs", v.toMillis()));
        return json;
    }

    public static JsonObject annotation(LiveLog.Annotation a) {
        return new JsonObject().put("seq", a.seq()).put("t", a.at().toEpochMilli()).put("text", a.text());
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
