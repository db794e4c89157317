package till.platform.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
import org.springframework.transaction.support.TransactionTemplate;
import till.platform.AdvisoryLockSpace;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes outbox rows in {@code seq} order and marks them sent only after the broker acknowledged them.
 *
 * <p>One relay is active per service database at a time: each batch runs in a transaction that first takes
 * {@code pg_try_advisory_xact_lock(OUTBOX_RELAY, 0)}; other instances skip that round. Batches are therefore
 * strictly sequential and per-key order survives any number of instances. A crash between the broker's ack
 * and the commit republishes the batch: consumers deduplicate on the CloudEvent id (the inbox).
 */
@Component
public class OutboxRelay implements SmartLifecycle {

    /** The PostgreSQL channel the outbox table's trigger notifies on commit. */
    static final String CHANNEL = "till_outbox";

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final TransactionTemplate tx;
    private final KafkaTemplate<String, String> kafka;
    private final JsonMapper mapper;
    private final int batchSize;
    private final Duration pollInterval;
    private final Duration retention;
    private final Semaphore wakeUps = new Semaphore(0);
    private final Counter published;
    private final Counter failures;
    private final Timer commitToAck;
    private final boolean enabled;
    private volatile boolean running;
    private Thread worker = new Thread(() -> {});
    private Thread listener = new Thread(() -> {});

    OutboxRelay(
            JdbcClient jdbc,
            DataSource dataSource,
            TransactionTemplate tx,
            KafkaTemplate<String, String> kafka,
            JsonMapper mapper,
            MeterRegistry meters,
            @Value("${till.outbox.batch-size:500}") int batchSize,
            @Value("${till.outbox.poll-interval:200ms}") Duration pollInterval,
            @Value("${till.outbox.retention:24h}") Duration retention,
            @Value("${till.outbox.relay.enabled:true}") boolean enabled) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.tx = tx;
        this.kafka = kafka;
        this.mapper = mapper;
        this.batchSize = batchSize;
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
    }

    /** A hint that rows were committed; the poll remains the source of truth. */
    void wakeUp() {
        wakeUps.release();
    }

    @Override
    public void start() {
        running = true;
        worker = Thread.ofPlatform().name("outbox-relay").daemon().start(this::loop);
        listener = Thread.ofPlatform().name("outbox-listen").daemon().start(this::listen);
    }

    @Override
    public void stop() {
        running = false;
        worker.interrupt();
        listener.interrupt();
        try {
            worker.join(Duration.ofSeconds(10));
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

    private void loop() {
        Duration backoff = pollInterval;
        while (running) {
            try {
                int sent = relayBatch();
                backoff = pollInterval;
                if (sent < batchSize) {
                    wakeUps.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                    wakeUps.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                failures.increment();
                log.warn("outbox relay round failed, retrying in {}: {}", backoff, e.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                        ? Duration.ofSeconds(5)
                        : backoff.multipliedBy(2);
            }
        }
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
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                log.warn("outbox LISTEN connection lost, polling only until it is back: {}", e.toString());
                try {
                    Thread.sleep(Duration.ofSeconds(1));
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Publishes one batch and marks it sent; returns how many rows it published. */
    int relayBatch() {
        Integer sent = tx.execute(status -> {
            boolean active = Boolean.TRUE.equals(jdbc.sql("SELECT pg_try_advisory_xact_lock(?, 0)")
                    .param(AdvisoryLockSpace.OUTBOX_RELAY)
                    .query(Boolean.class)
                    .single());
            if (!active) {
                return 0;
            }
            List<Row> rows = jdbc.sql("""
                            SELECT seq, topic, message_key, payload::text AS payload, headers::text AS headers, created_at
                            FROM outbox
                            WHERE sent_at IS NULL
                            ORDER BY seq
                            LIMIT ?
                            """)
                    .param(batchSize)
                    .query((rs, n) -> new Row(
                            rs.getLong("seq"),
                            rs.getString("topic"),
                            rs.getString("message_key"),
                            rs.getString("payload"),
                            rs.getString("headers"),
                            rs.getTimestamp("created_at")))
                    .list();
            if (rows.isEmpty()) {
                return 0;
            }
            publish(rows);
            jdbc.sql("UPDATE outbox SET sent_at = now() WHERE seq = ANY(?)")
                    .param(rows.stream().map(Row::seq).toArray(Long[]::new))
                    .update();
            return rows.size();
        });
        return sent == null ? 0 : sent;
    }

    private void publish(List<Row> rows) {
        List<CompletableFuture<?>> acks = new ArrayList<>(rows.size());
        for (Row row : rows) {
            ProducerRecord<String, String> record = new ProducerRecord<>(row.topic(), row.key(), row.payload());
            mapper.readValue(row.headers(), HEADERS)
                    .forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
            acks.add(kafka.send(record)
                    .thenRun(() ->
                            commitToAck.record(Duration.between(row.createdAt().toInstant(), Instant.now()))));
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker's acknowledgement", e);
        } catch (Exception e) {
            throw new IllegalStateException("broker did not acknowledge the batch; it will be sent again", e);
        }
        published.increment(rows.size());
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

    private record Row(long seq, String topic, String key, String payload, String headers, Timestamp createdAt) {}
}
