package dev.ebb.scaler.policy;

import org.junit.jupiter.api.Test;

class ExploreScratchTest {
    @Test
    void explore() {
        GroupModel model = new GroupModel(32, 500, 10, 2, 5, 1, t -> 5000, 5);
        PolicySpec spec = GroupModel.standardSpec();
        for (int i = 0; i < 120; i++) {
            model.run(spec, 5);
            Decision d = model.decisions.get(model.decisions.size() - 1);
            System.out.println(model.now() + " " + d.kind() + " " + d.currentReplicas() + "->" + d.desiredReplicas() + " " + d.reason());
        }
    }
}
