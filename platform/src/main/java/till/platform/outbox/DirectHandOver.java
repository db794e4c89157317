package till.platform.outbox;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Rows that the writing transaction hands to the dispatcher itself, so that they reach the producer without a read
 * of the table (ADR 6). The table stays the source of truth: anything unusual leaves a transaction's rows to it.
 *
 * <p>A transaction that wrote rows while this instance's relay leads takes a {@link Ticket} just before it commits,
 * while it still holds the locks of the keys it wrote; it marks the ticket ready with its rows after the commit,
 * or dropped after a rollback or an unknown outcome. The dispatcher takes tickets strictly in the order they were
 * taken: one not yet resolved holds up those behind it (a commit takes milliseconds), until a read of the table
 * sees its commit.
 *
 * <p><b>Per-key order</b> is argued in {@link Dispatcher}: a ready ticket's rows go only if every unsent row of
 * the same keys that its transaction saw when it wrote is already in the pipeline, otherwise the table takes them.
 * Line order makes that check pass: an earlier transaction of a key takes its ticket before a later one can even
 * take the key's lock.
 *
 * <p><b>Exactly one path per row.</b> The dispatcher remembers the seq and transaction of each row it handed over
 * directly; a batch read skips those rows, and after a batch with snapshot S the dispatcher forgets the rows whose
 * transactions S sees (their batch is this one or an earlier one). A ticket whose transaction a batch already saw
 * is dropped: its rows went with that batch.
 *
 * <p>Every method is {@code synchronized}: writers resolve tickets while the dispatcher takes them.
 */
final class DirectHandOver {

    /** A transaction's place in the line, and then its rows. */
    static final class Ticket {

        enum State {
            PENDING,
            READY,
            DROPPED,
            /** Out of the line: its rows handed over directly, or left to the table. */
            LEFT
        }

        final long xid;
        private State state = State.PENDING;
        private boolean readAskedFor;
        private List<OutboxRow> rows = List.of();
        private Set<Long> earlier = Set.of();

        private Ticket(long xid) {
            this.xid = xid;
        }

        List<OutboxRow> rows() {
            return rows;
        }

        /** Unsent rows of the same keys that the transaction saw committed when it wrote. */
        Set<Long> earlier() {
            return earlier;
        }
    }

    private final int capacity;
    private final WakeUps wakeUps;
    private final ArrayDeque<Ticket> line = new ArrayDeque<>();
    /** Rows handed over directly and not yet seen by a batch read: seq to transaction id. */
    private final Map<Long, Long> handed = new HashMap<>();

    private boolean open;

    DirectHandOver(int capacity, WakeUps wakeUps) {
        this.capacity = capacity;
        this.wakeUps = wakeUps;
    }

    /** Writers may take tickets: the dispatcher leads and its pipeline runs. */
    synchronized void open() {
        open = true;
    }

    /** Leaves every ticket in line to the table and forgets what was handed over: the pipeline starts again. */
    synchronized void close() {
        open = false;
        leaveAllToTheTable();
        handed.clear();
    }

    /** Whether a writer should ask for a ticket at all: a hint, {@link #take} decides. */
    synchronized boolean isOpen() {
        return open;
    }

    /** A ticket for transaction {@code xid}, taken while it holds its keys' locks; null leaves its rows to the table. */
    synchronized @Nullable Ticket take(long xid) {
        if (!open || line.size() >= capacity) {
            return null;
        }
        Ticket ticket = new Ticket(xid);
        line.add(ticket);
        return ticket;
    }

    /** The transaction committed: its rows may go. */
    synchronized void ready(Ticket ticket, List<OutboxRow> rows, Set<Long> earlier) {
        if (ticket.state == Ticket.State.LEFT) {
            wakeUps.signal();
            return;
        }
        ticket.rows = List.copyOf(rows);
        ticket.earlier = Set.copyOf(earlier);
        ticket.state = Ticket.State.READY;
        wakeUps.signalDirect();
    }

    /**
     * The transaction rolled back ({@code rolledBack}), or its outcome is unknown: then its rows, if it committed
     * after all, are the table's, and a read is asked for. A rollback has nothing to read: the dispatcher is only
     * woken to hand over the tickets its ticket held up.
     */
    synchronized void drop(Ticket ticket, boolean rolledBack) {
        if (ticket.state == Ticket.State.PENDING) {
            ticket.state = Ticket.State.DROPPED;
        }
        if (rolledBack) {
            wakeUps.signalDirect();
        } else {
            wakeUps.signal();
        }
    }

    /**
     * The ticket at the head of the line once it is resolved, or null if the line is empty or its head still
     * pending. A ticket whose transaction {@code lastBatch} already saw is taken out first: its rows went with a
     * batch. A dropped ticket is taken out too.
     */
    synchronized @Nullable Ticket next(Snapshot lastBatch) {
        for (Ticket head = line.peek(); head != null; head = line.peek()) {
            if (head.state == Ticket.State.DROPPED || lastBatch.isVisible(head.xid)) {
                line.poll().state = Ticket.State.LEFT;
            } else if (head.state == Ticket.State.READY) {
                return head;
            } else {
                return null;
            }
        }
        return null;
    }

    /**
     * Whether the head is still pending while a ticket behind it is ready; true once per head. Its writer may be
     * descheduled between its commit and its after-commit step (on a busy machine, for tens of milliseconds): a
     * read of the table then frees every ticket whose transaction committed, head included.
     */
    synchronized boolean headHoldsUpReadyTickets() {
        Ticket head = line.peek();
        if (head == null || head.state != Ticket.State.PENDING || head.readAskedFor) {
            return false;
        }
        for (Ticket ticket : line) {
            if (ticket.state == Ticket.State.READY) {
                head.readAskedFor = true;
                return true;
            }
        }
        return false;
    }

    /** The head ticket's rows are handed over: remember them, so that batch reads skip them. */
    synchronized void handedOver(Ticket ticket) {
        line.remove(ticket);
        ticket.state = Ticket.State.LEFT;
        ticket.rows.forEach(row -> handed.put(row.seq(), ticket.xid));
    }

    /** The head ticket's rows are left to the table (it reads them at its next batch). */
    synchronized void leaveToTheTable(Ticket ticket) {
        line.remove(ticket);
        ticket.state = Ticket.State.LEFT;
        wakeUps.signal();
    }

    /** Whether a row was handed over directly (and a batch read has not seen it yet). */
    synchronized boolean wasHandedOver(long seq) {
        return handed.containsKey(seq);
    }

    /** After a batch read: its rows and every earlier batch's are settled by the table's order, forget them. */
    synchronized void forgetSeenBy(Snapshot batch) {
        handed.values().removeIf(batch::isVisible);
    }

    /** Tickets in line (for tests and the bound). */
    synchronized int waiting() {
        return line.size();
    }

    private void leaveAllToTheTable() {
        if (!line.isEmpty()) {
            line.forEach(ticket -> ticket.state = Ticket.State.LEFT);
            line.clear();
            wakeUps.signal();
        }
    }
}
