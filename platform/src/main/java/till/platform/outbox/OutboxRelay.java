package till.platform.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes outbox rows and marks each sent only after the broker acknowledged it. This class runs the parts, each
 * of which does one job: {@link RelayLease} (one active relay per database), {@link Dispatcher} (reads batches of
 * commits and hands rows to the producer; the per-key order argument is there), {@link Acknowledgements} (the
 * producer's answers and the marker thread), {@link WakeUps} (in-process hints and {@code LISTEN}),
 * {@link DirectHandOver} (rows a transaction hands over itself after commit), {@link RelayTransactions} (the Kafka
 * transactions of hand-overs in which a key repeats) and {@link OutboxMetrics}. {@link OutboxCleanup} deletes sent
 * rows.
 *
 * <p>Three threads: the dispatcher (which also tries the lease every poll interval while another relay holds it),
 * the marker and the listener.
 */
@Component
@EnableConfigurationProperties(OutboxProperties.class)
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration SETTLE_ON_STOP = Duration.ofSeconds(5);

    private final DataSource dataSource;
    private final OutboxProperties properties;
    private final OutboxMetrics metrics;
    private final WakeUps wakeUps = new WakeUps();
    private final Acknowledgements acknowledgements;
    private final DirectHandOver direct;
    private final RelayTransactions transactions;
    private final Dispatcher dispatcher;

    private volatile Stopping stopping = new Stopping();
    private volatile boolean leading;
    private Thread worker = new Thread(() -> {});
    private Thread listener = new Thread(() -> {});

    OutboxRelay(
            DataSource dataSource,
            KafkaTemplate<String, String> kafka,
            JsonMapper mapper,
            MeterRegistry meters,
            OutboxProperties properties) {
        this.dataSource = dataSource;
        this.properties = properties;
        JdbcClient jdbc = JdbcClient.create(dataSource);
        this.metrics = new OutboxMetrics(meters, jdbc);
        this.acknowledgements = new Acknowledgements(
                jdbc,
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                wakeUps,
                metrics,
                properties.pollInterval(),
                properties.markDelay());
        metrics.inFlight(acknowledgements::unsettled);
        this.direct = new DirectHandOver(properties.maxInFlight(), wakeUps);
        this.transactions = new RelayTransactions(
                kafka.getProducerFactory().getConfigurationProperties(),
                properties.relay().transactionalId(),
                properties.relay().transactionTimeout());
        this.dispatcher =
                new Dispatcher(kafka, transactions, mapper, acknowledgements, wakeUps, direct, metrics, properties);
        stopping.stop();
    }

    /** A hint that rows were committed; the poll remains the source of truth. */
    void wakeUp() {
        wakeUps.signal();
    }

    /**
     * Whether this instance holds the lease, as far as it knows: a hint for {@link Outbox}, which notifies the
     * other instances only when it is false.
     */
    boolean isLeading() {
        return leading;
    }

    /**
     * The line in which a transaction writing rows takes a ticket before it commits, or null if rows should go by the
     * table alone: this relay does not lead, or direct hand-over is off ({@code till.outbox.relay.direct-hand-over}).
     */
    @Nullable
    DirectHandOver directHandOver() {
        return properties.relay().directHandOver() && leading && direct.isOpen() ? direct : null;
    }

    /** Rows handed over directly so far (a test's view of the meter). */
    long directHandOvers() {
        return metrics.directHandOvers();
    }

    /** Hand-overs committed in Kafka transactions so far (a test's view of the meter). */
    long transactions() {
        return metrics.transactions();
    }

    long rowsInTransactions() {
        return metrics.rowsInTransactions();
    }

    /** Pages read from the table so far (a test's and the benchmark's view of the meter). */
    long tableReads() {
        return metrics.reads();
    }

    /** Wake-ups not yet taken (a test's view of the bound {@link WakeUps#signal} keeps). */
    int pendingWakeUps() {
        return wakeUps.pending();
    }

    @Override
    public void start() {
        Stopping run = new Stopping();
        stopping = run;
        acknowledgements.startMarking(run);
        worker = Thread.ofPlatform().name("outbox-relay").daemon().start(() -> run(run));
        listener = Thread.ofPlatform().name("outbox-listen").daemon().start(() -> wakeUps.listen(dataSource, run));
    }

    /** Stops handing rows over, waits briefly for the broker to acknowledge what it has, marks it, and lets go. */
    @Override
    public void stop() {
        stopping.stop();
        wakeUps.signal();
        try {
            worker.join(SETTLE_ON_STOP.plusSeconds(5));
            // Only now: the marker's last turn marks what the broker acknowledged while the worker settled.
            acknowledgements.stopMarking();
            listener.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code till.outbox.relay.enabled=false} leaves rows unsent. */
    @Override
    public boolean isAutoStartup() {
        return properties.relay().enabled();
    }

    @Override
    public boolean isRunning() {
        return stopping.running();
    }

    @Override
    public int getPhase() {
        // Stop after the listeners (which write the outbox) and before the Kafka producer goes away.
        return Integer.MAX_VALUE - 1000;
    }

    /** Tries the lease every poll interval; while it holds it, dispatches; after a failure, backs off. */
    private void run(Stopping stopping) {
        Duration backoff = properties.pollInterval();
        while (stopping.running()) {
            try (RelayLease lease = RelayLease.tryAcquire(dataSource)) {
                if (lease == null) {
                    stopping.pause(properties.pollInterval());
                    continue;
                }
                log.info("outbox relay active for this database");
                leading = true;
                try {
                    backoff = dispatcher.publishWhileLeading(lease.connection(), backoff, stopping);
                } finally {
                    leading = false;
                    acknowledgements.settle(stopping.running() ? Duration.ofMinutes(3) : SETTLE_ON_STOP, stopping);
                }
            } catch (SQLException e) {
                if (stopping.running()) {
                    metrics.failed();
                    log.warn("outbox relay lost its database connection, retrying in {}: {}", backoff, e.toString());
                }
            } catch (RuntimeException e) {
                // Never skips a row: the same row is tried again after the backoff, and again, until it is fixed.
                if (stopping.running()) {
                    metrics.failed();
                    log.error("outbox relay stopped on an unexpected failure, retrying in {}", backoff, e);
                }
            }
            if (stopping.running()) {
                stopping.pause(backoff);
                backoff = Dispatcher.doubled(backoff);
            }
        }
    }
}
