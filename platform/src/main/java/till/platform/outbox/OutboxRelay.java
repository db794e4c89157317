package till.platform.outbox;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import till.platform.AdvisoryLockSpace;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes outbox rows, batch of commits by batch and in {@code seq} order within each, and marks each sent only
 * after the broker acknowledged it.
 *
 * <p><b>One active relay per service database.</b> The relay that holds the session advisory lock
 * {@code (OUTBOX_RELAY, 0)} on its lease connection publishes; other instances retry the lease every poll
 * interval. Every read of unsent rows runs on the lease connection, so a relay whose session is gone cannot
 * select rows to publish.
 *
 * <p><b>A pipeline, not rounds.</b> Rows are handed to the idempotent producer as soon as they are committed and
 * selected, without waiting for the previous rows' acknowledgements; a second thread marks acknowledged rows sent,
 * on a pooled connection, so that a slow {@code UPDATE} never holds up the next rows.
 *
 * <p><b>Batches of commits, not a seq cursor</b> (ADR 4). Each batch is the unsent rows whose transactions
 * committed between the previous batch's snapshot and this one's, handed over in {@code seq} order. A transaction
 * that drew a low {@code seq} and committed late lands in the batch of its commit, so nothing falls behind a cursor,
 * and no select has to leave out what is already handed over.
 *
 * <p><b>Per-key order</b> holds because (a) a key's rows are written under that key's lock, so a lower
 * {@code seq} of the same key is committed before a higher one is even inserted, hence in the same batch or an
 * earlier one; (b) each batch goes out in {@code seq} order; and (c) the idempotent producer keeps a partition's
 * records in send order across its retries. If a send fails, the relay stops handing rows over, waits until
 * everything handed over is settled, and starts again from the oldest unsent row: the redelivered rows are
 * duplicates the consumers' inboxes skip, and the first delivery of every row stays in order.
 *
 * <p>A relay killed between the broker's acknowledgement and the mark publishes those rows again after restart,
 * for the same reason and with the same remedy.
 */
@Component
public class OutboxRelay implements SmartLifecycle {

    /** The PostgreSQL channel on which {@link Outbox} wakes the active relay when that is in another instance. */
    static final String CHANNEL = "till_outbox";

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration SETTLE_ON_STOP = Duration.ofSeconds(5);

    /**
     * One page of a batch of commits (ADR 4): unsent rows committed by the batch's snapshot and not by the previous
     * batch's (every unsent row in a leadership's first batch), in seq order after the page before. Parameters:
     * the batch's snapshot (null: take this statement's own), the previous batch's snapshot, the last seq of the
     * page before (0 on a batch's first page), the page size. The snapshot comes back on every row, and on a single
     * row of nulls when nothing is new, so that an empty batch moves on too.
     */
    private static final String PAGE = """
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

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final KafkaTemplate<String, String> kafka;
    private final JsonMapper mapper;
    private final int batchSize;
    private final int maxInFlight;
    private final Duration pollInterval;
    private final Duration retention;
    private final boolean enabled;
    private final Counter published;
    private final Counter failures;
    private final Timer commitToAck;

    /** Wakes the dispatcher: commits (this JVM's and, through NOTIFY, every instance's), room, failures, stop. */
    private final Semaphore wakeUps = new Semaphore(0);

    /** Wakes the marker: acknowledgements, stop. */
    private final Semaphore acknowledgements = new Semaphore(0);

    /** Counted down by stop(); a new one per start(), so a stopped relay can be started again. */
    private volatile CountDownLatch stopping = new CountDownLatch(1);

    // Written by the producer's callbacks; read by the marker (acknowledged) and the dispatcher (the other two).
    private final Queue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unsettled = new AtomicInteger();
    private final AtomicReference<Throwable> sendFailure = new AtomicReference<>();

    /** Rows handed to the producer and not yet marked sent: added by the dispatcher, removed by the marker. */
    private final Set<Long> handedOver = ConcurrentHashMap.newKeySet();

    private volatile boolean waitingForRoom;
    private volatile boolean leading;
    private volatile boolean running;
    private volatile boolean marking;
    private Thread worker = new Thread(() -> {});
    private Thread marker = new Thread(() -> {});
    private Thread listener = new Thread(() -> {});

    OutboxRelay(
            DataSource dataSource,
            KafkaTemplate<String, String> kafka,
            JsonMapper mapper,
            MeterRegistry meters,
            @Value("${till.outbox.batch-size:500}") int batchSize,
            @Value("${till.outbox.max-in-flight:2000}") int maxInFlight,
            @Value("${till.outbox.poll-interval:200ms}") Duration pollInterval,
            @Value("${till.outbox.retention:24h}") Duration retention,
            @Value("${till.outbox.relay.enabled:true}") boolean enabled) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.kafka = kafka;
        this.mapper = mapper;
        this.batchSize = batchSize;
        this.maxInFlight = Math.max(maxInFlight, batchSize);
        this.pollInterval = pollInterval;
        this.retention = retention;
        this.enabled = enabled;
        this.published = meters.counter("till.outbox.published");
        this.failures = meters.counter("till.outbox.publish.failures");
        this.commitToAck = Timer.builder("till.outbox.commit.to.ack")
                .publishPercentileHistogram()
                .register(meters);
        Gauge.builder("till.outbox.backlog", this, OutboxRelay::backlog)
                .description("outbox rows not yet acknowledged by the broker")
                .register(meters);
        Gauge.builder("till.outbox.oldest.unsent.age", this, OutboxRelay::oldestUnsentAgeSeconds)
                .description("seconds since the oldest unsent outbox row was written")
                .baseUnit("seconds")
                .register(meters);
        Gauge.builder("till.outbox.in.flight", unsettled, AtomicInteger::get)
                .description("rows handed to the producer and not yet acknowledged or failed")
                .register(meters);
    }

    /** A hint that rows were committed; the poll remains the source of truth. */
    void wakeUp() {
        signal(wakeUps);
    }

    /**
     * Whether this instance holds the lease, as far as it knows: a hint for {@link Outbox}, which notifies the
     * other instances only when it is false.
     */
    boolean isLeading() {
        return leading;
    }

    /** Wake-ups not yet taken (a test's view of the bound {@link #signal} keeps). */
    int pendingWakeUps() {
        return wakeUps.availablePermits();
    }

    @Override
    public void start() {
        stopping = new CountDownLatch(1);
        running = true;
        marking = true;
        worker = Thread.ofPlatform().name("outbox-relay").daemon().start(this::run);
        marker = Thread.ofPlatform().name("outbox-marker").daemon().start(this::markWhileRunning);
        listener = Thread.ofPlatform().name("outbox-listen").daemon().start(this::listen);
    }

    /** Stops handing rows over, waits briefly for the broker to acknowledge what it has, marks it, and lets go. */
    @Override
    public void stop() {
        running = false;
        stopping.countDown();
        signal(wakeUps);
        try {
            worker.join(SETTLE_ON_STOP.plusSeconds(5));
            // Only now: the marker's last turn marks what the broker acknowledged while the worker settled.
            marking = false;
            signal(acknowledgements);
            marker.join(Duration.ofSeconds(5));
            listener.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code till.outbox.relay.enabled=false} leaves rows unsent (for fault tests, or when change-data capture
     * publishes the table instead).
     */
    @Override
    public boolean isAutoStartup() {
        return enabled;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stop after the listeners (which write the outbox) and before the Kafka producer goes away.
        return Integer.MAX_VALUE - 1000;
    }

    private void run() {
        Duration backoff = pollInterval;
        while (running) {
            Connection lease = null;
            try {
                lease = dataSource.getConnection();
                lease.setAutoCommit(true);
                if (!tryLease(lease)) {
                    close(lease, false);
                    lease = null;
                    pause(pollInterval);
                    continue;
                }
                log.info("outbox relay active for this database");
                leading = true;
                backoff = publishWhileLeading(lease, backoff);
            } catch (SQLException e) {
                if (running) {
                    failures.increment();
                    log.warn("outbox relay lost its database connection, retrying in {}: {}", backoff, e.toString());
                }
            } catch (RuntimeException e) {
                // Never skips a row: the same row is tried again after the backoff, and again, until it is fixed.
                if (running) {
                    failures.increment();
                    log.error("outbox relay stopped on an unexpected failure, retrying in {}", backoff, e);
                }
            } finally {
                leading = false;
                settle(running ? Duration.ofMinutes(3) : SETTLE_ON_STOP);
                if (lease != null) {
                    close(lease, true);
                }
            }
            if (running) {
                pause(backoff);
                backoff = doubled(backoff);
            }
        }
    }

    /** The leader's loop: hand over each batch of commits, wait for more. */
    private Duration publishWhileLeading(Connection lease, Duration backoff) throws SQLException {
        Batches batches = Batches.FROM_SCRATCH;
        while (running) {
            if (sendFailure.get() != null) {
                if (unsettled.get() > 0) {
                    awaitWork(pollInterval);
                    continue;
                }
                Throwable cause = sendFailure.getAndSet(null);
                handedOver.clear();
                batches = Batches.FROM_SCRATCH;
                log.warn(
                        "outbox relay: the broker did not acknowledge a row; starting again from the oldest unsent"
                                + " row in {}: {}",
                        backoff,
                        cause.toString());
                pause(backoff);
                backoff = doubled(backoff);
                continue;
            }
            int limit = Math.min(batchSize, maxInFlight - handedOver.size());
            if (limit <= 0) {
                // The pipeline is full: wait until the marker has marked acknowledged rows.
                waitingForRoom = true;
                if (handedOver.size() >= maxInFlight) {
                    awaitWork(pollInterval);
                }
                waitingForRoom = false;
                continue;
            }
            Page page = nextPage(lease, batches, limit);
            for (Row row : page.rows()) {
                if (!handOver(row)) {
                    break;
                }
            }
            batches = batches.after(page, limit);
            if (!page.rows().isEmpty() && sendFailure.get() == null) {
                backoff = pollInterval;
            }
            if (page.rows().size() < limit) {
                awaitWork(pollInterval);
            }
        }
        return backoff;
    }

    private boolean tryLease(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?, 0)")) {
            statement.setInt(1, AdvisoryLockSpace.OUTBOX_RELAY);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
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
            List<Row> rows = new ArrayList<>(limit);
            String snapshot = null;
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    snapshot = result.getString("snapshot");
                    long seq = result.getLong("seq");
                    if (!result.wasNull()) {
                        rows.add(new Row(
                                seq,
                                result.getString("topic"),
                                result.getString("message_key"),
                                result.getString("payload"),
                                result.getString("headers"),
                                result.getTimestamp("created_at")));
                    }
                }
            }
            return new Page(snapshot, rows);
        }
    }

    /** Hands one row to the producer; false if the producer refused it (the failure is recorded). */
    private boolean handOver(Row row) {
        ProducerRecord<String, String> record = new ProducerRecord<>(row.topic(), row.key(), row.payload());
        mapper.readValue(row.headers(), HEADERS)
                .forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        handedOver.add(row.seq());
        unsettled.incrementAndGet();
        try {
            kafka.send(record).whenComplete((result, error) -> settled(row, error));
            return true;
        } catch (RuntimeException e) {
            settled(row, e);
            return false;
        }
    }

    /** A producer callback: the row was acknowledged, or it failed and the relay must start again. */
    private void settled(Row row, Throwable error) {
        if (error == null) {
            acknowledged.add(row.seq());
            published.increment();
            commitToAck.record(Duration.between(row.createdAt().toInstant(), Instant.now()));
        } else {
            failures.increment();
            sendFailure.compareAndSet(null, error);
        }
        // Last, so that a relay seeing nothing unsettled also sees every acknowledgement.
        int left = unsettled.decrementAndGet();
        if (error == null) {
            signal(acknowledgements);
        }
        if (error != null || (left == 0 && sendFailure.get() != null)) {
            // A dispatcher stopped by a failure waits for the last row to settle before it starts again.
            signal(wakeUps);
        }
    }

    /** The marker's loop: marks acknowledged rows sent, off the dispatcher's path; a last turn after stop. */
    private void markWhileRunning() {
        while (marking || !acknowledged.isEmpty()) {
            try {
                acknowledgements.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                acknowledgements.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!markAcknowledged() && !marking) {
                return;
            }
        }
    }

    /** Marks every acknowledged row sent; false if the database refused (the rows stay queued for the next turn). */
    private boolean markAcknowledged() {
        List<Long> seqs = new ArrayList<>();
        for (Long seq = acknowledged.poll(); seq != null; seq = acknowledged.poll()) {
            seqs.add(seq);
        }
        if (seqs.isEmpty()) {
            return true;
        }
        try {
            jdbc.sql("UPDATE outbox SET sent_at = now() WHERE seq = ANY (?)")
                    .param(seqs.toArray(Long[]::new))
                    .update();
        } catch (RuntimeException e) {
            // Still unsent in the table: marked on a later turn, or published again (a duplicate), never lost.
            acknowledged.addAll(seqs);
            log.warn("outbox relay could not mark {} acknowledged rows sent yet: {}", seqs.size(), e.toString());
            pause(pollInterval);
            return false;
        }
        // Only after the commit: room in the pipeline is made by rows the database knows are sent.
        seqs.forEach(handedOver::remove);
        if (waitingForRoom) {
            signal(wakeUps);
        }
        return true;
    }

    /** Waits until every row handed over is acknowledged or failed, then forgets what was handed over. */
    private void settle(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (unsettled.get() > 0 && System.nanoTime() < deadline) {
            try {
                wakeUps.tryAcquire(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (unsettled.get() > 0) {
            log.warn(
                    "outbox relay stopped with {} rows still awaiting the broker; they will be published again",
                    unsettled.get());
        }
        sendFailure.set(null);
        handedOver.clear();
    }

    /** Releases the lease (a pooled connection must not carry the session lock to its next borrower). */
    private void close(Connection connection, boolean leased) {
        try (connection) {
            if (leased) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SELECT pg_advisory_unlock_all()");
                }
            }
        } catch (SQLException e) {
            // The session, and with it the lock, ends when the pool closes this connection for good.
            log.warn("outbox relay could not release its lease cleanly, evicting the connection: {}", e.toString());
            evict(connection);
        }
    }

    private void evict(Connection connection) {
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                dataSource.unwrap(HikariDataSource.class).evictConnection(connection);
            }
        } catch (SQLException e) {
            log.warn("outbox relay could not evict its lease connection: {}", e.toString());
        }
    }

    private void awaitWork(Duration atMost) {
        try {
            wakeUps.tryAcquire(atMost.toMillis(), TimeUnit.MILLISECONDS);
            wakeUps.drainPermits();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Sleeps, but not past stop(). Commits do not shorten it: a follower or a relay in backoff waits it out. */
    private void pause(Duration duration) {
        try {
            stopping.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * At most one pending wake-up: a follower never takes its permits, and a semaphore counting every commit for
     * weeks would overflow (and throw from a business transaction's after-commit hook).
     */
    private static void signal(Semaphore wakeUp) {
        if (wakeUp.availablePermits() == 0) {
            wakeUp.release();
        }
    }

    private static Duration doubled(Duration backoff) {
        Duration twice = backoff.multipliedBy(2);
        return twice.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : twice;
    }

    /**
     * Holds one connection in {@code LISTEN till_outbox} and wakes the relay on every notification, so rows
     * committed by any instance of the service are published without waiting for the next poll.
     */
    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                PGConnection notifications = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] received = notifications.getNotifications(1000);
                    if (received != null && received.length > 0) {
                        wakeUp();
                    }
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute("UNLISTEN *");
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                log.warn("outbox LISTEN connection lost, polling only until it is back: {}", e.toString());
                pause(Duration.ofSeconds(1));
            }
        }
    }

    /** Deletes sent rows past their retention; unsent rows are never deleted. */
    @Scheduled(fixedDelayString = "${till.outbox.cleanup-interval:10m}", initialDelayString = "1m")
    void deleteSentRows() {
        int deleted = jdbc.sql("DELETE FROM outbox WHERE sent_at < ?")
                .param(Timestamp.from(Instant.now().minus(retention)))
                .update();
        if (deleted > 0) {
            log.info("deleted {} outbox rows sent more than {} ago", deleted, retention);
        }
    }

    private double backlog() {
        try {
            Long count = jdbc.sql("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
                    .query(Long.class)
                    .single();
            return count == null ? 0 : count;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private double oldestUnsentAgeSeconds() {
        try {
            Double age = jdbc.sql(
                            "SELECT EXTRACT(EPOCH FROM now() - min(created_at))::float8 FROM outbox WHERE sent_at IS NULL")
                    .query(Double.class)
                    .single();
            return age == null ? 0 : age;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** A page of rows and the snapshot of the batch it belongs to. */
    private record Page(String snapshot, List<Row> rows) {}

    /**
     * Where the dispatcher stands in the stream of commits: the batch it is paging through ({@code current}, null
     * before its first page), the batch before it ({@code previous}, null in a leadership's first batch), and the
     * last seq handed over from the current batch.
     */
    private record Batches(String current, String previous, long after) {

        static final Batches FROM_SCRATCH = new Batches(null, null, 0);

        /** A full page: the batch goes on after its last row. A short one: the batch is done, the next one begins. */
        Batches after(Page page, int limit) {
            return page.rows().size() < limit
                    ? new Batches(null, page.snapshot(), 0)
                    : new Batches(
                            page.snapshot(), previous, page.rows().getLast().seq());
        }
    }

    private record Row(long seq, String topic, String key, String payload, String headers, Timestamp createdAt) {}
}
