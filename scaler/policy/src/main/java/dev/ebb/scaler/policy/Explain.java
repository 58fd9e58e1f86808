package dev.ebb.scaler.policy;

import dev.ebb.scaler.policy.Bounds.Bounded;
import dev.ebb.scaler.policy.Damping.AboveBound;
import dev.ebb.scaler.policy.Damping.ArrivalsUnknown;
import dev.ebb.scaler.policy.Damping.Damped;
import dev.ebb.scaler.policy.Damping.Down;
import dev.ebb.scaler.policy.Damping.DownWithinTolerance;
import dev.ebb.scaler.policy.Damping.Rebalancing;
import dev.ebb.scaler.policy.Damping.Stabilizing;
import dev.ebb.scaler.policy.Damping.Up;
import dev.ebb.scaler.policy.Damping.UpWithinTolerance;
import dev.ebb.scaler.policy.Desired.DrainBasis;
import dev.ebb.scaler.policy.Desired.EvenFactor;
import dev.ebb.scaler.policy.Desired.KeepUp;
import dev.ebb.scaler.policy.Desired.Note;
import dev.ebb.scaler.policy.Desired.RoundedUp;
import dev.ebb.scaler.policy.Desired.Slo;
import dev.ebb.scaler.policy.Desired.ThresholdBasis;
import java.time.Duration;
import java.time.Instant;

/**
 * Stage 5 of the policy, <b>explain</b>: the reason text of a decision, rendered from the records the other stages
 * returned ({@link Desired}, {@link Bounded}, {@link Damped}, {@link Activity}). Nothing here decides anything: a
 * reason is the formula in words, then {@code -> count}, then every adjustment in the order it was made.
 */
final class Explain {
    private Explain() {
    }

    /** The reason of a decision out of the damping stage. */
    static String damped(Desired desired, Bounded bounded, Damped damped, int current) {
        return describe(desired, bounded) + tail(damped, current);
    }

    private static String tail(Damped damped, int current) {
        String holding = "; holding " + current + ": ";
        Damping.Why why = damped.why();
        if (why instanceof AboveBound a) {
            return "; above the bound " + a.top();
        } else if (why instanceof UpWithinTolerance w) {
            return holding + "within tolerance " + percent(w.tolerance());
        } else if (why instanceof Up u) {
            return u.limitedTo().isPresent() ? "; limited to +" + u.limitedTo().getAsInt() + " per decision" : "";
        } else if (why instanceof Stabilizing s) {
            return holding + "scale-down stabilizing (highest desire within " + Text.duration(s.window()) + " is "
                    + s.highest() + ")";
        } else if (why instanceof ArrivalsUnknown) {
            return holding + "arrival rate not known yet";
        } else if (why instanceof Rebalancing r) {
            return holding + rebalancing(r);
        } else if (why instanceof DownWithinTolerance w) {
            return holding + "within tolerance " + percent(w.tolerance()) + " (stabilized " + w.stabilized() + ")";
        } else if (why instanceof Down d) {
            return (d.stabilizedWithin().isPresent() ? "; stabilized at " + damped.target()
                    + " (highest desire within " + Text.duration(d.stabilizedWithin().get()) + ")" : "")
                    + (d.limitedTo().isPresent() ? "; limited to -" + d.limitedTo().getAsInt() + " per decision" : "");
        }
        return ""; // Steady
    }

    /** Out of the idle count. */
    static String activating(PolicySpec spec, Activity activity, Desired desired, Bounded bounded) {
        return "activating: lag " + activity.lag() + " > activation threshold " + spec.activationLagThreshold() + "; "
                + describe(desired, bounded);
    }

    /** Staying at (or returning to) the idle count without activity lag. */
    static String idle(PolicySpec spec, Activity activity, int idle) {
        return "idle: lag " + activity.lag() + " <= activation threshold " + spec.activationLagThreshold() + " -> "
                + idle;
    }

    /** To the idle count after the cooldown. */
    static String cooledDown(PolicySpec spec, Activity activity, Instant now, int idle) {
        return "lag " + activity.lag() + " and no arrivals for " + Text.duration(Duration.between(
                activity.quietSince().orElseThrow(), now)) + " (cooldown " + Text.duration(spec.cooldown()) + ") -> "
                + idle;
    }

    /** The mode's formula, {@code -> count}, the cap that bound and every note. */
    static String describe(Desired desired, Bounded bounded) {
        int target = bounded.replicas();
        StringBuilder s = new StringBuilder(formula(desired)).append(" -> ").append(target);
        desired.cap().filter(c -> c.replicas() > 0 && c.replicas() == target).ifPresent(c ->
                s.append(" (capped at ").append(c.replicas()).append(' ').append(c.what()).append(')'));
        for (Note note : desired.notes()) {
            s.append("; ").append(note(note));
        }
        bounded.why().ifPresent(why -> s.append("; ").append(switch (why) {
            case MIN_REPLICAS -> "raised to minReplicas " + target;
            case ACTIVE_FLOOR -> "raised to " + target + ": an active workload keeps a replica";
            case MAX_REPLICAS -> "limited to maxReplicas " + target;
            case PARTITIONS -> "limited to " + target + " partitions";
        }));
        return s.toString();
    }

    private static String formula(Desired desired) {
        if (desired.basis() instanceof ThresholdBasis t) {
            return "lag " + t.lag() + (t.lag() != t.lagWithPersistent()
                    ? " (" + t.lagWithPersistent() + " with persistent lag)" : "")
                    + " over " + t.partitions() + " partitions, threshold " + t.lagThreshold() + " per replica";
        }
        return drainFormula((DrainBasis) desired.basis());
    }

    private static String drainFormula(DrainBasis d) {
        StringBuilder f = new StringBuilder();
        f.append("lag ").append(d.lag());
        if (d.explainedByCommits() >= 1 && d.lag() > 0) {
            f.append(" (").append(Text.number(Math.min(d.lag(), d.explainedByCommits())))
                    .append(" explained by commits)");
        }
        f.append(", arrivals ").append(Text.number(d.arrivals())).append("/s, ").append(Text.number(d.rate()))
                .append("/s per replica").append(d.rateLearned() ? " (measured)" : "")
                .append(", drain within ").append(Text.duration(d.drainWithin()));
        d.projectedLag().ifPresent(p -> f.append(", projected lag ").append(Text.number(p))
                .append(" when new replicas are ready in ").append(Text.duration(d.readyDelay())));
        if (d.starting() > 0) {
            f.append(", ").append(d.starting()).append(" starting");
        }
        d.slo().ifPresent(slo -> f.append(slo(slo)));
        return f.toString();
    }

    private static String slo(Slo slo) {
        return ", time lag " + Text.duration(slo.timeLag()) + " of " + Text.duration(slo.maxTimeLag()) + " SLO"
                + (slo.atRisk() ? " (at risk)" : "");
    }

    private static String note(Note note) {
        if (note instanceof EvenFactor e) {
            return "rounded up to " + e.replicas() + ", a factor of " + e.partitions() + " partitions";
        } else if (note instanceof KeepUp k) {
            return "the oldest record is past half the SLO: " + k.replicas() + " keep up with arrivals";
        } else if (note instanceof Desired.BacklogDue b) {
            return "time lag " + (b.lowerBound() ? "at least " : "") + Text.number(b.ageSeconds()) + "s, over the "
                    + Text.duration(b.maxTimeLag()) + " SLO: the backlog is due now";
        } else if (note instanceof Desired.Riding r) {
            return "riding the SLO at " + r.replicas() + ": time lag stays under " + Text.number(r.headroomSeconds())
                    + "s (SLO less the ready delay) for " + Text.number(r.horizonSeconds()) + "s";
        } else if (note instanceof Desired.SloAllowsBacklog a) {
            return "the SLO allows the backlog: " + a.replicas() + " keep up with arrivals";
        } else if (note instanceof Desired.HeldNearSlo h) {
            return "no scale-down: time lag " + Text.duration(h.timeLag()) + " is within the ready delay ("
                    + Text.duration(h.readyDelay()) + ") of the " + Text.duration(h.maxTimeLag()) + " SLO";
        }
        RoundedUp r = (RoundedUp) note;
        return "rounded up to " + r.replicas() + ": at most " + r.perMember()
                + " partitions per member, so fewer members would not keep up";
    }

    private static String rebalancing(Rebalancing r) {
        String members = r.members().isPresent() ? r.members().getAsInt() + " members" : "membership unknown";
        return "group rebalancing after the change " + Text.duration(r.since()) + " ago (" + members + ", "
                + r.starting() + " starting, grace " + Text.duration(r.grace()) + ")";
    }

    static String percent(double fraction) {
        return Text.number(fraction * 100) + "%";
    }
}
