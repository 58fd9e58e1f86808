package dev.ebb.scaler.lag;

/**
 * One answer of the Admin client for one key (a group, a topic, a partition): a value or the failure that replaced
 * it. The reader produces them, the assembler reads them; a failure of one key never hides the others' values.
 */
record Outcome<T>(T value, Throwable failure) {

    static <T> Outcome<T> of(T value) {
        return new Outcome<>(value, null);
    }

    static <T> Outcome<T> failed(Throwable failure) {
        return new Outcome<>(null, failure);
    }

    boolean failed() {
        return failure != null;
    }
}
