package dev.ebb.bench.e2e;

import java.util.BitSet;

/**
 * The independent count of one run: every order id the input topic holds against every order id the output topic
 * holds, both read with {@code read_committed} after the workers stopped. Lost = in the input, never in the output;
 * duplicated = output records beyond the first for an id.
 */
public final class Tally {

    private final BitSet input = new BitSet();
    private final BitSet output = new BitSet();
    private long outputRecords;
    private long unrecognised;

    /** An input record's order id sequence number ({@code -1} when the id was not recognised). */
    public void input(long seq) {
        if (recognised(seq)) {
            input.set((int) seq);
        }
    }

    /** An output record's order id sequence number ({@code -1} when the id was not recognised). */
    public void output(long seq) {
        if (recognised(seq)) {
            outputRecords++;
            output.set((int) seq);
        }
    }

    private boolean recognised(long seq) {
        if (seq < 0 || seq > Integer.MAX_VALUE) {
            unrecognised++;
            return false;
        }
        return true;
    }

    /** Distinct ids in the input topic. */
    public long inputIds() {
        return input.cardinality();
    }

    /** Recognised output records, duplicates included. */
    public long outputRecords() {
        return outputRecords;
    }

    /** Ids in the input topic that never came out. */
    public long lost() {
        BitSet missing = (BitSet) input.clone();
        missing.andNot(output);
        return missing.cardinality();
    }

    /** Output records beyond the first for their id (at-least-once redelivery after a partition moved). */
    public long duplicated() {
        return outputRecords - output.cardinality();
    }

    /** Output ids that were never in the input: must be 0. */
    public long unexpected() {
        BitSet extra = (BitSet) output.clone();
        extra.andNot(input);
        return extra.cardinality();
    }

    /** Records on either topic whose id was not an order id. */
    public long unrecognised() {
        return unrecognised;
    }
}
