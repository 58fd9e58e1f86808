package dev.ebb.scaler.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Which groups {@code ebb lag} covers: the {@code --group}s given, every group of the kind ({@code --all-groups}), or
 * only their ids ({@code --list}), as {@code kafka-consumer-groups} has them. Read before the other arguments.
 *
 * @param rest the arguments without {@code --all-groups} and {@code --list}
 */
record LagScope(Kind kind, String[] rest) {

    enum Kind { GROUPS, ALL_GROUPS, LIST }

    static LagScope extract(String[] args) throws LagArgs.BadArguments {
        Kind kind = Kind.GROUPS;
        List<String> rest = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String a : args) {
            Kind k = switch (a) {
                case "--all-groups" -> Kind.ALL_GROUPS;
                case "--list" -> Kind.LIST;
                default -> null;
            };
            if (k == null) {
                rest.add(a);
            } else if (kind != Kind.GROUPS && kind != k) {
                problems.add("--all-groups and --list cannot be combined");
            } else {
                kind = k;
            }
        }
        if (!problems.isEmpty()) {
            throw new LagArgs.BadArguments(problems);
        }
        return new LagScope(kind, rest.toArray(String[]::new));
    }
}
