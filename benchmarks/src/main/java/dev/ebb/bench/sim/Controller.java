package dev.ebb.bench.sim;

/** A scaler driving the model: called once per model step, after due actions were applied, before time advances. */
interface Controller {

    /** Name in tables and charts. */
    String name();

    void onStep(GroupModel model);

    /** Decisions that changed the replica count, with their reasons, for {@code --verbose}. */
    default java.util.List<String> decisions() {
        return java.util.List.of();
    }
}
