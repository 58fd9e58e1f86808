package dev.ebb.scaler.policy;

import org.junit.jupiter.api.Test;

class ExploreScratchTest {
    @Test
    void explore() {
        for (double amp : new double[] {0.1, 0.3, 0.6}) {
            java.util.Random r = new java.util.Random(7);
            double[] noise = new double[200000];
            for (int i = 0; i < noise.length; i++) noise[i] = r.nextGaussian();
            run("noisy 6k amp " + amp, t -> Math.max(0, 6000 * (1 + amp * noise[(int) (t * 10)])), 900);
            // bursty: 1s bursts
            run("bursty 6k amp " + amp, t -> Math.max(0, 6000 * (1 + amp * noise[(int) t])), 900);
            run("step noisy amp " + amp, t -> Math.max(0, (t < 100 ? 2000 : 10000) * (1 + amp * noise[(int) t])), 600);
        }
    }

    static void run(String name, java.util.function.DoubleUnaryOperator f, double secs) {
        GroupModel m = GroupModel.standard(f, (int) Math.max(1, Math.ceil(f.applyAsDouble(0) / 1000)));
        m.run(GroupModel.standardSpec(), secs);
        double work = 0;
        for (double t = 0; t < secs; t += 0.1) work += f.applyAsDouble(t) * 0.1;
        double lb = work / 1000;
        System.out.printf("%-22s rs=%8.0f lb=%8.0f ratio=%.2f changes=%d reversals=%d maxAge=%.1f final=%d mu=%s%n", name,
                m.replicaSeconds, lb, m.replicaSeconds / lb, m.changes, m.reversals, m.maxTrueAge, m.replicas(), m.state.learnedRate());
    }
}
