package till.platform.outbox;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What one business transaction wrote to the outbox, and how its rows reach the relay once it ends: by a
 * {@link DirectHandOver} ticket, or by the table after a wake-up. Which of the two is decided at the transaction's
 * first append and kept for the rest of it, so that a transaction never sends some of its rows ahead of others.
 */
final class OutboxTransaction implements TransactionSynchronization {

    private final OutboxRelay relay;
    private final @Nullable DirectHandOver direct;
    private final List<OutboxRow> rows = new ArrayList<>();
    private final Set<Long> earlier = new HashSet<>();
    private long xid;
    private DirectHandOver.@Nullable Ticket ticket;

    private OutboxTransaction(OutboxRelay relay, @Nullable DirectHandOver direct) {
        this.relay = relay;
        this.direct = direct;
    }

    /**
     * This transaction's, registered on its first append. A synchronization rather than a bound resource: Spring
     * suspends synchronizations with their transaction, so a transaction started inside this one gets its own.
     */
    static OutboxTransaction of(OutboxRelay relay) {
        for (TransactionSynchronization registered : TransactionSynchronizationManager.getSynchronizations()) {
            if (registered instanceof OutboxTransaction mine && mine.relay == relay) {
                return mine;
            }
        }
        OutboxTransaction started = new OutboxTransaction(relay, readCommitted() ? relay.directHandOver() : null);
        TransactionSynchronizationManager.registerSynchronization(started);
        return started;
    }

    /** Whether this transaction's rows go to the relay directly, and {@link #wrote} wants them. */
    boolean handsOverDirectly() {
        return direct != null;
    }

    /**
     * Rows this transaction wrote in one statement, and the unsent rows of the same keys it saw committed when it
     * wrote them.
     */
    void wrote(long xid, List<OutboxRow> written, Collection<Long> earlierOfTheirKeys) {
        this.xid = xid;
        rows.addAll(written);
        earlier.addAll(earlierOfTheirKeys);
    }

    /** Still holding its keys' locks: take the place in line that a later writer of the same keys will be behind. */
    @Override
    public void beforeCommit(boolean readOnly) {
        if (direct != null && !rows.isEmpty()) {
            ticket = direct.take(xid);
        }
    }

    @Override
    public void afterCompletion(int status) {
        DirectHandOver line = direct;
        DirectHandOver.Ticket taken = ticket;
        if (line != null && taken != null) {
            if (status == STATUS_COMMITTED) {
                line.ready(taken, rows, earlier);
            } else {
                // Rolled back: nothing to send. Unknown: if it committed after all, the table has its rows.
                line.drop(taken, status == STATUS_ROLLED_BACK);
            }
        } else if (status == STATUS_COMMITTED) {
            // The hint for this instance's relay, which is the active one or may be by the next poll.
            relay.wakeUp();
        }
    }

    /**
     * The check that keeps per-key order on the direct path reads what the transaction saw when it wrote, which is
     * everything committed before it took its keys' locks only under READ COMMITTED (a statement sees what was
     * committed when it started).
     */
    private static boolean readCommitted() {
        Integer isolation = TransactionSynchronizationManager.getCurrentTransactionIsolationLevel();
        return isolation == null || isolation == Connection.TRANSACTION_READ_COMMITTED;
    }
}
