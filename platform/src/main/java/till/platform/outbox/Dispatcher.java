package till.platform.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The leader's loop: reads the outbox in batches of commits on the lease connection and hands the rows to the
 * idempotent producer, and between batches hands over the rows that committed transactions brought themselves
 * ({@link DirectHandOver}), without waiting for earlier rows' acknowledgements ({@link Acknowledgements} settles
 * them). This is the one place that argues per-key order, for both paths.
 *
 * <p><b>Batches of commits, not a seq cursor</b> (ADR 4). Each batch is the unsent rows whose transactions
 * committed between the previous batch's snapshot and this one's, handed over in {@code seq} order. A transaction
 * that drew a low {@code seq} and committed late lands in the batch of its commit, so nothing falls behind a cursor.
 * A batch skips the rows already handed over directly; after each batch the dispatcher forgets the direct rows
 * whose transactions the batch's snapshot sees, since no later batch can return them (ADR 6).
 *
 * <p><b>Per-key order</b> of first deliveries holds because:
 * <ol>
 *   <li>a key's rows are written under that key's lock, so an earlier transaction of the key has committed before
 *       a later one even inserts, and is visible to that insert (READ COMMITTED);
 *   <li>from the table, such a transaction is in the same batch as the later one or an earlier batch, and each
 *       batch goes out in {@code seq} order;
 *   <li>directly, a transaction's rows go only if every unsent row of its keys that its insert saw is already in
 *       this pipeline, that is, handed to the producer before it (the insert returns those rows' seqs);
 *       otherwise they are left to the table, and any later transaction of those keys sees them unsent and
 *       follows them there, until a batch has handed them over. The direct line's order (tickets taken while the
 *       keys' locks are held) only makes that check pass, so whichever instance wrote an earlier row, and
 *       whatever fell back, no row overtakes an earlier committed row of its key;
 *   <li>a row goes to the producer only once the row before it of its topic and key is acknowledged, that is in
 *       the log: the idempotent producer keeps a partition's records in order across its retries, but not when a
 *       record fails for good while later ones are in flight (a broker killed with kill -9 can answer a batch
 *       OUT_OF_ORDER_SEQUENCE_NUMBER and take the next after an epoch bump: StackFaultsIT saw a key's row 8 land
 *       after its rows 9 to 17). Rows of other keys still go without waiting, so the pipeline stays full;
 *   <li>except the rows of a topic and key that has more than one row in a hand-over (a page, or the rows of the
 *       ready tickets): they go in one Kafka transaction ({@link RelayTransactions}, ADR 15), whose records land in
 *       send order and all together or not at all, for {@code read_committed} readers. It begins once the
 *       unacknowledged row of each of its keys is in the log, and the next hand-over begins after its commit, so
 *       neither a row before it nor a row after it can land on the wrong side of it. A key's rows then wait for one
 *       commit, not for one round trip each, which is what a hot product needs. The hand-over's other rows, one
 *       per key, go on their own as above: their keys need no transaction, and the commit's markers then land
 *       only in the partitions of the keys that repeat.
 * </ol>
 * If a send or a transaction fails, the dispatcher closes the direct line, stops handing rows over (a failed
 * transaction's rows are in no key's chain: nothing may follow them), waits until everything handed
 * over is settled, and starts again from the oldest unsent row: the redelivered rows are duplicates the consumers'
 * inboxes skip, and the first delivery of every row stays in order. A relay killed between the broker's
 * acknowledgement and the mark publishes those rows again after restart, for the same reason and with the same
 * remedy.
 */
final class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final int LEASE_CHECK_SECONDS = 5;

    /**
     * One page of a batch of commits (ADR 4): unsent rows committed by the batch's snapshot and not by the previous
     * batch's (every unsent row in a leadership's first batch), in seq order after the page before. Parameters:
     * the batch's snapshot (null: take this statement's own), the previous batch's snapshot, the last seq of the
     * page before (0 on a batch's first page), the page size. The snapshot comes back on every row, and on a single
     * row of nulls when nothing is new, so that an empty batch moves on too.
     */
    static final String PAGE = """
            SELECT batch.now::text AS snapshot, o.seq, o.topic, o.message_key, o.payload, o.headers, o.created_at
            FROM (SELECT COALESCE(CAST(? AS pg_snapshot), pg_current_snapshot()) AS now,
                         CAST(? AS pg_snapshot) AS previous) AS batch
                 LEFT JOIN LATERAL (
                     SELECT seq, topic, message_key, payload::text AS payload, headers::text AS headers, created_at
                     FROM outbox
                     WHERE sent_at IS NULL AND seq > ?
                       AND pg_visible_in_snapshot(xid, batch.now)
                       AND (batch.previous IS NULL OR NOT pg_visible_in_snapshot(xid, batch.previous))
                     ORDER BY seq
                     LIMIT ?
                 ) AS o ON true
            ORDER BY o.seq
            """;

    private final KafkaTemplate<String, String> kafka;
    private final RelayTransactions transactions;
    private final JsonMapper mapper;
    private final Acknowledgements acknowledgements;
    private final WakeUps wakeUps;
    private final DirectHandOver direct;
    private final OutboxMetrics metrics;
    private final int batchSize;
    private final int maxInFlight;
    private final Duration pollInterval;

    /**
     * The last row handed over of each topic and key, until it is acknowledged; a failed one stays until the
     * dispatcher starts again, so that no later row of its key is sent before the failed one is sent again.
     */
    private final Map<TopicKey, CompletableFuture<?>> unacknowledged = new ConcurrentHashMap<>();

    Dispatcher(
            KafkaTemplate<String, String> kafka,
            RelayTransactions transactions,
            JsonMapper mapper,
            Acknowledgements acknowledgements,
            WakeUps wakeUps,
            DirectHandOver direct,
            OutboxMetrics metrics,
            OutboxProperties properties) {
        this.kafka = kafka;
        this.transactions = transactions;
        this.mapper = mapper;
        this.acknowledgements = acknowledgements;
        this.wakeUps = wakeUps;
        this.direct = direct;
        this.metrics = metrics;
        this.batchSize = properties.batchSize();
        this.maxInFlight = properties.maxInFlight();
        this.pollInterval = properties.pollInterval();
    }

    /**
     * Hands over each batch of commits, and between batches the rows of {@link DirectHandOver} tickets, and waits for
     * more, until the relay stops or the lease connection fails (an {@link SQLException}). Returns the backoff to use
     * after the next failure.
     */
    Duration publishWhileLeading(Connection lease, Duration backoff, Stopping stopping) throws SQLException {
        Batches batches = Batches.FROM_SCRATCH;
        long nextRead = System.nanoTime();
        // Before any row: a killed leader's open transaction is aborted now, not when this leader first needs one.
        transactions.open();
        direct.open();
        try {
            while (stopping.running()) {
                if (acknowledgements.failure() != null) {
                    direct.close();
                    if (acknowledgements.unsettled() > 0) {
                        wakeUps.await(pollInterval, stopping);
                        continue;
                    }
                    Throwable cause = acknowledgements.failure();
                    acknowledgements.settle(Duration.ZERO, stopping);
                    unacknowledged.clear();
                    batches = Batches.FROM_SCRATCH;
                    log.warn(
                            "outbox relay: the broker did not acknowledge a row; starting again from the oldest unsent"
                                    + " row in {}: {}",
                            backoff,
                            String.valueOf(cause));
                    stopping.pause(backoff);
                    backoff = doubled(backoff);
                    // Only while this relay still leads: opening fences every other producer of the id, and a relay
                    // whose session (and with it the lease) is gone would fence the one that took the lease over.
                    if (!lease.isValid(LEASE_CHECK_SECONDS)) {
                        throw new SQLException("outbox relay: the lease connection is gone");
                    }
                    transactions.open();
                    direct.open();
                    continue;
                }
                int limit = Math.min(batchSize, maxInFlight - acknowledgements.inPipeline());
                if (limit <= 0) {
                    // The pipeline is full: wait until the marker has marked acknowledged rows.
                    acknowledgements.waitingForRoom(true);
                    if (acknowledgements.inPipeline() >= maxInFlight) {
                        wakeUps.await(pollInterval, stopping);
                    }
                    acknowledgements.waitingForRoom(false);
                    continue;
                }
                String lastBatch = batches.previous();
                if (batches.current() == null && lastBatch != null) {
                    handOverTickets(Snapshot.parse(lastBatch), stopping);
                }
                if (batches.current() == null && !wakeUps.tableWanted() && System.nanoTime() < nextRead) {
                    wakeUps.await(Duration.ofNanos(nextRead - System.nanoTime()), stopping);
                    continue;
                }
                Page page = nextPage(lease, batches, limit);
                handOverAll(
                        page.rows().stream()
                                .filter(row -> !direct.wasHandedOver(row.seq()))
                                .toList(),
                        stopping);
                batches = batches.after(page, limit);
                if (batches.current() == null) {
                    direct.forgetSeenBy(Snapshot.parse(page.snapshot()));
                    nextRead = System.nanoTime() + pollInterval.toNanos();
                }
                if (!page.rows().isEmpty() && acknowledgements.failure() == null) {
                    backoff = pollInterval;
                }
            }
        } finally {
            direct.close();
            transactions.close();
        }
        return backoff;
    }

    /**
     * Hands over the rows of every resolved ticket at the head of the line, in line order, each only if every
     * earlier unsent row of its keys is already in the pipeline (the per-key argument is in this class's Javadoc);
     * otherwise that ticket's rows are left to the table. Stops at a pending ticket, or when the pipeline is full;
     * asks for a read of the table if a pending ticket holds up ready ones.
     */
    private void handOverTickets(Snapshot lastBatch, Stopping stopping) {
        List<OutboxRow> rows = new ArrayList<>();
        for (DirectHandOver.Ticket ticket = direct.next(lastBatch);
                ticket != null && acknowledgements.failure() == null;
                ticket = direct.next(lastBatch)) {
            if (acknowledgements.inPipeline() + rows.size() + ticket.rows().size() > maxInFlight) {
                break;
            }
            // A ticket taken earlier in this loop counts as in the pipeline: its rows go before this one's.
            if (!ticket.earlier().stream().allMatch(this::inPipeline)) {
                direct.leaveToTheTable(ticket);
                metrics.leftToTheTable();
                continue;
            }
            direct.handedOver(ticket);
            metrics.handedOverDirectly(ticket.rows().size());
            rows.addAll(ticket.rows());
        }
        handOverAll(rows, stopping);
        if (direct.headHoldsUpReadyTickets()) {
            wakeUps.signal();
        }
    }

    /**
     * Hands rows over in their order: the rows of each topic and key that has more than one row among them in one
     * Kafka transaction (ADR 15), every other row on its own behind its key's unacknowledged row (ADR 7). Order is
     * kept per key only, so a key's rows need the transaction only where that key repeats; the others stay out of
     * it, and its commit writes markers only to the partitions of the keys that repeat (ADR 5, round 19). Returns
     * early if a send failed (the failure is recorded, and the dispatcher starts again) or the relay stops.
     */
    private void handOverAll(List<OutboxRow> rows, Stopping stopping) {
        if (acknowledgements.failure() != null) {
            // Nothing more until the dispatcher starts again: a failed transaction's rows are in no key's chain, so
            // a later row of their key, sent now, would land before them.
            return;
        }
        Set<TopicKey> repeating = transactions.enabled() ? repeatingKeys(rows) : Set.of();
        List<OutboxRow> together = new ArrayList<>();
        for (OutboxRow row : rows) {
            if (repeating.contains(TopicKey.of(row))) {
                together.add(row);
            } else if (!handOver(row)) {
                return;
            }
        }
        if (!together.isEmpty()) {
            handOverInTransaction(together, stopping);
        }
    }

    private static Set<TopicKey> repeatingKeys(List<OutboxRow> rows) {
        Set<TopicKey> seen = new HashSet<>();
        Set<TopicKey> repeating = new HashSet<>();
        for (OutboxRow row : rows) {
            TopicKey key = TopicKey.of(row);
            if (!seen.add(key)) {
                repeating.add(key);
            }
        }
        return repeating;
    }

    /**
     * Sends the rows in one transaction, once the unacknowledged row of each of their keys is in the log (sent on
     * its own before, it could otherwise fail and be sent again after them), and settles them when the commit is
     * done: only then are they in the log. Blocks the dispatcher meanwhile; the next hand-over of these keys
     * begins after the commit, so it cannot overtake them.
     */
    private void handOverInTransaction(List<OutboxRow> rows, Stopping stopping) {
        for (TopicKey key : rows.stream().map(TopicKey::of).distinct().toList()) {
            if (!acknowledged(unacknowledged.get(key), stopping)) {
                // The rows stay unsent in the table: the dispatcher starts again, or the next leadership does.
                return;
            }
        }
        List<ProducerRecord<String, String>> records = new ArrayList<>(rows.size());
        for (OutboxRow row : rows) {
            records.add(record(row));
            acknowledgements.handingOver(row.seq());
        }
        Throwable failure = null;
        try {
            transactions.commit(records);
            metrics.transaction(rows.size());
        } catch (RuntimeException e) {
            failure = e;
        }
        for (OutboxRow row : rows) {
            acknowledgements.settled(row, failure);
        }
    }

    /**
     * Waits until a key's unacknowledged send (if any) is acknowledged: true. False if it failed (recorded here, as
     * its own callback may not have yet) or the relay stops meanwhile.
     */
    private boolean acknowledged(@Nullable CompletableFuture<?> send, Stopping stopping) {
        while (send != null && stopping.running()) {
            try {
                send.get(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException stillWaiting) {
                // Checks for a stop, then waits on.
            } catch (ExecutionException failed) {
                acknowledgements.failed(failed.getCause() == null ? failed : failed.getCause());
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping.stop();
            }
        }
        return send == null;
    }

    /** Handed to the producer in this run of the pipeline, directly or from a batch. */
    private boolean inPipeline(long seq) {
        return direct.wasHandedOver(seq) || acknowledgements.isHandedOver(seq);
    }

    static Duration doubled(Duration backoff) {
        Duration twice = backoff.multipliedBy(2);
        return twice.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : twice;
    }

    /**
     * The next page of the current batch: unsent rows visible in the batch's snapshot and not in the previous
     * batch's, in {@code seq} order after the page before. A new batch takes the statement's own snapshot, which
     * comes back on every row (on a single row of nulls if nothing is new), so an empty batch moves on too.
     */
    private Page nextPage(Connection lease, Batches batches, int limit) throws SQLException {
        try (PreparedStatement statement = lease.prepareStatement(PAGE)) {
            statement.setString(1, batches.current());
            statement.setString(2, batches.previous());
            statement.setLong(3, batches.after());
            statement.setInt(4, limit);
            List<OutboxRow> rows = new ArrayList<>(limit);
            String snapshot = "";
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    snapshot = result.getString("snapshot");
                    long seq = result.getLong("seq");
                    if (!result.wasNull()) {
                        rows.add(new OutboxRow(
                                seq,
                                result.getString("topic"),
                                result.getString("message_key"),
                                result.getString("payload"),
                                result.getString("headers"),
                                result.getTimestamp("created_at")));
                    }
                }
            }
            // Counted once read, not when asked for: a count above zero says the first batch's snapshot is taken, so
            // a transaction that commits after it is in no batch yet (OutboxDirectHandOverIT waits on this).
            metrics.read();
            return new Page(snapshot, rows);
        }
    }

    /**
     * Hands one row to the producer once the row before it of the same topic and key is acknowledged (point 4 of
     * this class's Javadoc); false if it failed at once, or its key's previous row failed (the failure is recorded).
     */
    private boolean handOver(OutboxRow row) {
        ProducerRecord<String, String> record = record(row);
        acknowledgements.handingOver(row.seq());
        TopicKey key = TopicKey.of(row);
        // Only this thread adds; callbacks remove a key's entry once its last send is acknowledged.
        CompletableFuture<?> previous = unacknowledged.get(key);
        CompletableFuture<?> sent = previous == null
                ? send(record)
                : previous.handle((result, error) -> error)
                        .thenCompose(error -> error == null ? send(record) : CompletableFuture.failedFuture(error));
        unacknowledged.put(key, sent);
        sent.whenComplete((result, error) -> {
            if (error == null) {
                unacknowledged.remove(key, sent);
            }
            acknowledgements.settled(row, error instanceof CompletionException wrapped ? wrapped.getCause() : error);
        });
        return !sent.isCompletedExceptionally();
    }

    private ProducerRecord<String, String> record(OutboxRow row) {
        ProducerRecord<String, String> record = new ProducerRecord<>(row.topic(), row.key(), row.payload());
        mapper.readValue(row.headers(), HEADERS)
                .forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    private CompletableFuture<?> send(ProducerRecord<String, String> record) {
        try {
            return kafka.send(record);
        } catch (RuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
    }

    private record TopicKey(String topic, String key) {

        static TopicKey of(OutboxRow row) {
            return new TopicKey(row.topic(), row.key());
        }
    }

    /** A page of rows and the snapshot of the batch it belongs to. */
    private record Page(String snapshot, List<OutboxRow> rows) {}

    /**
     * Where the dispatcher stands in the stream of commits: the batch it is paging through ({@code current}, null
     * before its first page), the batch before it ({@code previous}, null in a leadership's first batch), and the
     * last seq handed over from the current batch.
     */
    private record Batches(
            @Nullable String current, @Nullable String previous, long after) {

        static final Batches FROM_SCRATCH = new Batches(null, null, 0);

        /** A full page: the batch goes on after its last row. A short one: the batch is done, the next one begins. */
        Batches after(Page page, int limit) {
            return page.rows().size() < limit
                    ? new Batches(null, page.snapshot(), 0)
                    : new Batches(
                            page.snapshot(), previous, page.rows().getLast().seq());
        }
    }
}
