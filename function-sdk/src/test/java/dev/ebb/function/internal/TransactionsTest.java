package dev.ebb.function.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class TransactionsTest {
  /** A producer whose first commits time out, as when the coordinator is slow to answer. */
  private static final class SlowCoordinatorProducer extends MockProducer<byte[], byte[]> {
    int timeoutsLeft;
    int commitCalls;
    int abortCalls;

    SlowCoordinatorProducer(int timeouts) {
      super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
      this.timeoutsLeft = timeouts;
    }

    @Override
    public void commitTransaction() {
      commitCalls++;
      if (timeoutsLeft-- > 0) {
        throw new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(true)");
      }
      super.commitTransaction();
    }

    @Override
    public void abortTransaction() {
      abortCalls++;
      throw new IllegalStateException("Cannot attempt operation `abortTransaction` because the previous call to"
          + " `commitTransaction` timed out and must be retried");
    }
  }

  @Test
  void retriesACommitThatTimedOutInsteadOfAborting() {
    SlowCoordinatorProducer producer = new SlowCoordinatorProducer(2);
    producer.initTransactions();
    producer.beginTransaction();

    Transactions.commit(producer, 5, () -> false);

    assertThat(producer.transactionCommitted()).isTrue();
    assertThat(producer.commitCalls).isEqualTo(3);
    assertThat(producer.abortCalls).isZero();
  }

  @Test
  void givesUpAfterTheLastAttemptWithTheTimeout() {
    SlowCoordinatorProducer producer = new SlowCoordinatorProducer(10);
    producer.initTransactions();
    producer.beginTransaction();

    assertThatThrownBy(() -> Transactions.commit(producer, 3, () -> false)).isInstanceOf(TimeoutException.class);
    assertThat(producer.commitCalls).isEqualTo(3);
    assertThat(producer.abortCalls).isZero();
  }
}
