package dev.ebb.scaler.cli;

import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.lag.GroupReport;
import dev.ebb.scaler.lag.GroupReport.Presence;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PartitionLag;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.kafka.common.TopicPartition;

/** Renders one poll of {@code ebb lag} as a table or as one JSON object. */
final class LagOutput {

    private LagOutput() {
    }

    /** Why a group has no lag to show, or empty when it has. */
    static Optional<String> problem(GroupQuery query, GroupReport report, String bootstrap) {
        if (report.presence() == Presence.MISSING) {
            return Optional.of((query.kind() == GroupKind.SHARE ? "Share group '" : "Consumer group '")
                    + query.groupId() + "' does not exist on " + bootstrap + ".");
        }
        if (report.observation() instanceof Observation.Unavailable u) {
            return Optional.of(u.reason() + (u.retriable() ? "" : " [needs a fix, retrying will not help]"));
        }
        return Optional.empty();
    }

    static String table(Map<GroupQuery, GroupReport> reports, String bootstrap, Instant at, boolean firstPoll) {
        return table(reports, bootstrap, at, firstPoll, Map.of());
    }

    /** @param members per group, the owner of each assigned partition; a partition without one shows {@code -} */
    static String table(Map<GroupQuery, GroupReport> reports, String bootstrap, Instant at, boolean firstPoll,
                        Map<String, Map<TopicPartition, GroupLister.Member>> members) {
        List<String[]> partitionRows = new ArrayList<>();
        partitionRows.add(new String[] {"GROUP", "TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "CONSUMER-ID",
            "HOST", "CLIENT-ID"});
        List<String[]> groupRows = new ArrayList<>();
        groupRows.add(new String[] {"GROUP", "STATE", "MEMBERS", "PARTITIONS", "TOTAL-LAG", "TIME-LAG", "ARRIVAL/S",
            "CONSUMPTION/S"});
        List<String> problems = new ArrayList<>();
        boolean ratesUnknown = false;
        for (Map.Entry<GroupQuery, GroupReport> e : reports.entrySet()) {
            GroupQuery q = e.getKey();
            GroupReport r = e.getValue();
            Optional<String> problem = problem(q, r, bootstrap);
            if (problem.isPresent()) {
                problems.add("error: " + problem.get());
                continue;
            }
            Observation.Lag lag = (Observation.Lag) r.observation();
            Map<TopicPartition, GroupLister.Member> owners = members.getOrDefault(q.groupId(), Map.of());
            for (PartitionLag p : lag.partitions()) {
                GroupLister.Member m = owners.get(new TopicPartition(p.topic(), p.partition()));
                partitionRows.add(new String[] {q.groupId(), p.topic(), Integer.toString(p.partition()),
                    p.committedOffset().isPresent() ? Long.toString(p.committedOffset().getAsLong()) : "-",
                    Long.toString(p.endOffset()), Long.toString(p.lag()), m == null ? "-" : cell(m.consumerId()),
                    m == null ? "-" : cell(m.host()), m == null ? "-" : cell(m.clientId())});
            }
            ratesUnknown |= lag.arrivalRate().isEmpty();
            groupRows.add(new String[] {q.groupId(), r.state().orElse("-"),
                lag.members().isPresent() ? Integer.toString(lag.members().getAsInt()) : "-",
                Integer.toString(lag.partitionCount()), Long.toString(lag.totalLag()),
                lag.timeLag().map(LagOutput::duration).orElse("-"), rate(lag.arrivalRate()),
                rate(lag.consumptionRate())});
        }
        StringBuilder out = new StringBuilder();
        if (groupRows.size() > 1) {
            out.append("# ").append(at).append("  ").append(bootstrap).append('\n');
        }
        if (partitionRows.size() > 1) {
            columns(out, partitionRows);
            out.append('\n');
        }
        if (groupRows.size() > 1) {
            columns(out, groupRows);
        }
        if (ratesUnknown && firstPoll && groupRows.size() > 1) {
            out.append("(time lag and rates need two polls: run with --watch)\n");
        }
        for (String p : problems) {
            out.append(p).append('\n');
        }
        return out.toString();
    }

    /** Text from the cluster in one table cell: no whitespace or control characters that would shift columns. */
    private static String cell(String s) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        return s.replaceAll("[\\s\\p{Cntrl}]", "_");
    }

    static String json(Map<GroupQuery, GroupReport> reports, String bootstrap, Instant at) {
        return json(reports, bootstrap, at, Map.of());
    }

    /** @param members per group, the owner of each assigned partition ({@code consumerId}, {@code host}, {@code clientId}) */
    static String json(Map<GroupQuery, GroupReport> reports, String bootstrap, Instant at,
                       Map<String, Map<TopicPartition, GroupLister.Member>> members) {
        StringBuilder out = new StringBuilder();
        out.append("{\"at\":").append(str(at.toString()))
                .append(",\"bootstrapServers\":").append(str(bootstrap))
                .append(",\"groups\":[");
        boolean firstGroup = true;
        for (Map.Entry<GroupQuery, GroupReport> e : reports.entrySet()) {
            GroupQuery q = e.getKey();
            GroupReport r = e.getValue();
            if (!firstGroup) {
                out.append(',');
            }
            firstGroup = false;
            out.append("{\"group\":").append(str(q.groupId()))
                    .append(",\"kind\":").append(str(q.kind().name().toLowerCase(Locale.ROOT)))
                    .append(",\"state\":").append(r.state().map(LagOutput::str).orElse("null"));
            Optional<String> problem = problem(q, r, bootstrap);
            if (problem.isPresent()) {
                boolean retriable = r.observation() instanceof Observation.Unavailable u && u.retriable();
                out.append(",\"error\":").append(str(problem.get()))
                        .append(",\"retriable\":").append(retriable).append('}');
                continue;
            }
            Observation.Lag lag = (Observation.Lag) r.observation();
            out.append(",\"members\":").append(lag.members().isPresent() ? lag.members().getAsInt() : "null")
                    .append(",\"totalLag\":").append(lag.totalLag())
                    .append(",\"timeLagSeconds\":")
                    .append(lag.timeLag().map(d -> number(d.toMillis() / 1000.0)).orElse("null"))
                    .append(",\"arrivalRate\":").append(jsonRate(lag.arrivalRate()))
                    .append(",\"consumptionRate\":").append(jsonRate(lag.consumptionRate()))
                    .append(",\"partitions\":[");
            boolean firstPartition = true;
            Map<TopicPartition, GroupLister.Member> owners = members.getOrDefault(q.groupId(), Map.of());
            for (PartitionLag p : lag.partitions()) {
                if (!firstPartition) {
                    out.append(',');
                }
                firstPartition = false;
                out.append("{\"topic\":").append(str(p.topic()))
                        .append(",\"partition\":").append(p.partition())
                        .append(",\"committed\":")
                        .append(p.committedOffset().isPresent() ? Long.toString(p.committedOffset().getAsLong())
                                : "null")
                        .append(",\"end\":").append(p.endOffset())
                        .append(",\"logStart\":").append(p.logStartOffset())
                        .append(",\"lag\":").append(p.lag());
                GroupLister.Member m = owners.get(new TopicPartition(p.topic(), p.partition()));
                if (m != null) {
                    out.append(",\"consumerId\":").append(str(String.valueOf(m.consumerId())))
                            .append(",\"host\":").append(str(String.valueOf(m.host())))
                            .append(",\"clientId\":").append(str(String.valueOf(m.clientId())));
                }
                out.append('}');
            }
            out.append("]}");
        }
        return out.append("]}").toString();
    }

    private static void columns(StringBuilder out, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1_000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        if (ms < 3_600_000) {
            return String.format(Locale.ROOT, "%dm%02ds", ms / 60_000, (ms / 1000) % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", ms / 3_600_000, (ms / 60_000) % 60);
    }

    private static String rate(OptionalDouble rate) {
        return rate.isPresent() ? String.format(Locale.ROOT, "%.1f", rate.getAsDouble()) : "-";
    }

    private static String jsonRate(OptionalDouble rate) {
        return rate.isPresent() ? number(rate.getAsDouble()) : "null";
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    static String str(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
