package till.platform.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionOperations;

/**
 * What happens to a row after the dispatcher handed it to the producer: the producer's callback records the
 * broker's answer, and a marker thread of its own marks acknowledged rows sent on a pooled connection, so a slow
 * {@code UPDATE} never holds up the dispatcher. A row counts as in the pipeline ({@link #inPipeline}) from the
 * hand-over until the database knows it is sent; that is what {@code till.outbox.max-in-flight} bounds.
 *
 * <p>A failed send is recorded for the dispatcher, which stops handing rows over, waits until everything handed
 * over has {@link #settle settled}, and starts again from the oldest unsent row.
 */
final class Acknowledgements {

    private static final Logger log = LoggerFactory.getLogger(Acknowledgements.class);

    /**
     * Marks rows sent, and lets its transaction commit without waiting for the WAL to reach the disk. A mark need not
     * survive a crash of the database: a row whose mark is lost is published again, and every consumer skips the
     * copy (its inbox); meanwhile a saga's own commits do not queue behind a mark's flush (ADR 5, round 3). The
     * setting is {@code SET LOCAL}'s, made inside the statement ({@code set_config(…, true)}), to spare a round trip
     * (round 8): it holds until the transaction ends, and its commit reads it. Every row the join updates was joined
     * with {@code relaxed}, so the setting is made whenever anything is marked.
     */
    static final String MARK_SENT = """
            WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true))
            UPDATE outbox SET sent_at = now() FROM relaxed WHERE seq = ANY (?)
            """;

    private final JdbcClient jdbc;
    private final TransactionOperations tx;
    private final WakeUps dispatcher;
    private final OutboxMetrics metrics;
    private final Duration pollInterval;
    private final Duration markDelay;

    /** Rows handed to the producer and not yet marked sent: added by the dispatcher, removed by the marker. */
    private final Set<Long> handedOver = ConcurrentHashMap.newKeySet();

    // Written by the producer's callbacks; read by the marker (acknowledged) and the dispatcher (the other two).
    private final Queue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unsettled = new AtomicInteger();
    private final AtomicReference<@Nullable Throwable> sendFailure = new AtomicReference<>();

    /** Wakes the marker: acknowledgements, stop. */
    private final Semaphore toMark = new Semaphore(0);

    private volatile boolean waitingForRoom;
    private volatile boolean marking;
    private Thread marker = new Thread(() -> {});

    Acknowledgements(
            JdbcClient jdbc,
            TransactionOperations tx,
            WakeUps dispatcher,
            OutboxMetrics metrics,
            Duration pollInterval,
            Duration markDelay) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.pollInterval = pollInterval;
        this.markDelay = markDelay;
    }

    void startMarking(Stopping stopping) {
        marking = true;
        marker = Thread.ofPlatform().name("outbox-marker").daemon().start(() -> markWhileRunning(stopping));
    }

    /** The marker's last turn marks what the broker acknowledged while the dispatcher settled; then it ends. */
    void stopMarking() throws InterruptedException {
        marking = false;
        signal(toMark);
        marker.join(Duration.ofSeconds(5));
    }

    /** The dispatcher is about to hand {@code seq} to the producer. */
    void handingOver(long seq) {
        handedOver.add(seq);
        unsettled.incrementAndGet();
    }

    /** Whether {@code seq} was handed to the producer in this run of the pipeline and is not yet marked sent. */
    boolean isHandedOver(long seq) {
        return handedOver.contains(seq);
    }

    /** Rows handed over and not yet marked sent. */
    int inPipeline() {
        return handedOver.size();
    }

    /** Rows handed over and not yet acknowledged or failed. */
    int unsettled() {
        return unsettled.get();
    }

    /** The first send that failed since the last {@link #settle}, if any. */
    @Nullable
    Throwable failure() {
        return sendFailure.get();
    }

    /** The dispatcher waits for room; the marker wakes it after each mark until it stops waiting. */
    void waitingForRoom(boolean waiting) {
        waitingForRoom = waiting;
    }

    /** The producer's callback: the row was acknowledged, or it failed and the dispatcher must start again. */
    void settled(OutboxRow row, @Nullable Throwable error) {
        if (error == null) {
            acknowledged.add(row.seq());
            metrics.published(row.createdAt());
        } else {
            metrics.failed();
            sendFailure.compareAndSet(null, error);
        }
        // Last, so that a dispatcher seeing nothing unsettled also sees every acknowledgement.
        int left = unsettled.decrementAndGet();
        if (error == null) {
            signal(toMark);
        }
        if (error != null || (left == 0 && sendFailure.get() != null)) {
            // A dispatcher stopped by a failure waits for the last row to settle before it starts again.
            dispatcher.signal();
        }
    }

    /**
     * The dispatcher saw a failed send before its own callback recorded it ({@link #settled} counts it, perhaps
     * later): the dispatcher starts again all the same.
     */
    void failed(Throwable error) {
        sendFailure.compareAndSet(null, error);
        dispatcher.signal();
    }

    /**
     * Waits (at most {@code atMost}) until every row handed over is acknowledged or failed, then forgets what was
     * handed over and the failure: the dispatcher starts again from the oldest unsent row.
     */
    void settle(Duration atMost, Stopping stopping) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (unsettled.get() > 0
                && System.nanoTime() < deadline
                && !Thread.currentThread().isInterrupted()) {
            dispatcher.await(Duration.ofMillis(50), stopping);
        }
        if (unsettled.get() > 0) {
            log.warn(
                    "outbox relay stopped with {} rows still awaiting the broker; they will be published again",
                    unsettled.get());
        }
        sendFailure.set(null);
        handedOver.clear();
    }

    /** The marker's loop: marks acknowledged rows sent, off the dispatcher's path; a last turn after stop. */
    private void markWhileRunning(Stopping stopping) {
        while (marking || !acknowledged.isEmpty()) {
            try {
                toMark.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!acknowledged.isEmpty() && !waitingForRoom) {
                // The acknowledgements of the next moment go into the same statement: one mark per few checkouts
                // instead of one per hop, which was two commits in five (ADR 5, round 8). Nothing waits for a
                // mark but room in a full pipeline, and a stop (the pause ends at once).
                stopping.pause(markDelay);
            }
            toMark.drainPermits();
            if (!markAcknowledged(stopping) && !marking) {
                return;
            }
        }
    }

    /** Marks every acknowledged row sent; false if the database refused (the rows stay queued for the next turn). */
    private boolean markAcknowledged(Stopping stopping) {
        List<Long> seqs = new ArrayList<>();
        for (Long seq = acknowledged.poll(); seq != null; seq = acknowledged.poll()) {
            seqs.add(seq);
        }
        if (seqs.isEmpty()) {
            return true;
        }
        try {
            tx.executeWithoutResult(status ->
                    jdbc.sql(MARK_SENT).param(seqs.toArray(Long[]::new)).update());
        } catch (RuntimeException e) {
            // Still unsent in the table: marked on a later turn, or published again (a duplicate), never lost.
            acknowledged.addAll(seqs);
            log.warn("outbox relay could not mark {} acknowledged rows sent yet: {}", seqs.size(), e.toString());
            stopping.pause(pollInterval);
            return false;
        }
        // Only after the commit: room in the pipeline is made by rows the database knows are sent.
        seqs.forEach(handedOver::remove);
        if (waitingForRoom) {
            dispatcher.signal();
        }
        return true;
    }

    private static void signal(Semaphore semaphore) {
        if (semaphore.availablePermits() == 0) {
            semaphore.release();
        }
    }
}
