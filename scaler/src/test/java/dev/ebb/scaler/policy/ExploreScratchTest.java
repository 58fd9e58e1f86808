package dev.ebb.scaler.policy;

import org.junit.jupiter.api.Test;

class ExploreScratchTest {
    @Test
    void explore() {
        run("step 2k->10k", t -> t < 100 ? 2000 : 10000, 600);
        run("step 10k->2k", t -> t < 100 ? 10000 : 2000, 600);
        run("ramp 0->20k/300s", t -> Math.min(20000, t * 20000 / 300), 600);
        run("ramp up-down", t -> t < 300 ? t * 20000 / 300 : Math.max(0, 20000 - (t - 300) * 20000 / 300), 700);
        run("spike 50k@100", t -> t >= 100 && t < 105 ? 10000 + 2000 : 2000, 400);
        run("constant 15000", t -> 15000, 600);
        run("sine", t -> 8000 + 6000 * Math.sin(t / 100), 1200);
        run("dump", t -> t >= 100 && t < 110 ? 2_000_000 : 500, 900);
        long start = System.nanoTime();
        GroupModel m = GroupModel.standard(t -> 8000 + 6000 * Math.sin(t / 100), 8);
        m.run(GroupModel.standardSpec(), 20000);
        System.out.printf("decide cost ~ %.1f us per poll (incl. model)%n", (System.nanoTime() - start) / 1e3 / m.decisions.size());
    }

    static void run(String name, java.util.function.DoubleUnaryOperator f, double secs) {
        GroupModel m = GroupModel.standard(f, (int) Math.max(1, Math.ceil(f.applyAsDouble(0) / 1000)));
        m.run(GroupModel.standardSpec(), secs);
        double work = 0;
        for (double t = 0; t < secs; t += 0.1) {
            work += f.applyAsDouble(t) * 0.1;
        }
        double lb = work / 1000;
        System.out.printf("%-20s rs=%8.0f lb=%8.0f ratio=%.2f changes=%d reversals=%d maxAge=%.1f final=%d%n", name,
                m.replicaSeconds, lb, m.replicaSeconds / lb, m.changes, m.reversals, m.maxTrueAge, m.replicas());
    }
}
