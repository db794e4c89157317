package till.platform.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The relay's meters: what was published, what failed, how long it took, and what is waiting in the table. */
final class OutboxMetrics {

    private final Counter published;
    private final Counter failures;
    private final Timer commitToAck;
    private final Counter handedOverDirectly;
    private final Counter leftToTheTable;
    private final Counter reads;
    private final Counter transactions;
    private final Counter rowsInTransactions;
    private final MeterRegistry meters;

    OutboxMetrics(MeterRegistry meters, JdbcClient jdbc) {
        this.meters = meters;
        this.published = meters.counter("till.outbox.published");
        this.failures = meters.counter("till.outbox.publish.failures");
        this.commitToAck = Timer.builder("till.outbox.commit.to.ack")
                .publishPercentileHistogram()
                .register(meters);
        this.handedOverDirectly = Counter.builder("till.outbox.direct.handed.over")
                .description("rows handed to the producer by the transaction that wrote them, without a read")
                .register(meters);
        this.leftToTheTable = Counter.builder("till.outbox.direct.left.to.table")
                .description("transactions whose rows could not be handed over directly and were read from the table")
                .register(meters);
        this.reads = Counter.builder("till.outbox.reads")
                .description("pages of unsent rows the active relay read from the table")
                .register(meters);
        this.transactions = Counter.builder("till.outbox.transactions")
                .description("hand-overs committed in one Kafka transaction, because a topic and key repeated in them")
                .register(meters);
        this.rowsInTransactions = Counter.builder("till.outbox.transaction.rows")
                .description("rows published in Kafka transactions")
                .register(meters);
        Gauge.builder("till.outbox.backlog", jdbc, OutboxMetrics::backlog)
                .description("outbox rows not yet acknowledged by the broker")
                .register(meters);
        Gauge.builder("till.outbox.oldest.unsent.age", jdbc, OutboxMetrics::oldestUnsentAgeSeconds)
                .description("seconds since the oldest unsent outbox row was written")
                .baseUnit("seconds")
                .register(meters);
    }

    /** Registers the gauge of rows handed to the producer and not yet acknowledged or failed. */
    void inFlight(IntSupplier unsettled) {
        Gauge.builder("till.outbox.in.flight", unsettled, IntSupplier::getAsInt)
                .description("rows handed to the producer and not yet acknowledged or failed")
                .register(meters);
    }

    /** The broker acknowledged a row written at {@code createdAt}. */
    void published(Timestamp createdAt) {
        published.increment();
        commitToAck.record(Duration.between(createdAt.toInstant(), Instant.now()));
    }

    void handedOverDirectly(int rows) {
        handedOverDirectly.increment(rows);
    }

    /** A hand-over of {@code rows} was committed in one Kafka transaction (ADR 15). */
    void transaction(int rows) {
        transactions.increment();
        rowsInTransactions.increment(rows);
    }

    /** Kafka transactions committed so far. */
    long transactions() {
        return (long) transactions.count();
    }

    /** Rows published in Kafka transactions so far. */
    long rowsInTransactions() {
        return (long) rowsInTransactions.count();
    }

    void leftToTheTable() {
        leftToTheTable.increment();
    }

    void read() {
        reads.increment();
    }

    /** Pages read from the table so far. */
    long reads() {
        return (long) reads.count();
    }

    /** Rows handed over directly so far. */
    long directHandOvers() {
        return (long) handedOverDirectly.count();
    }

    /** A send failed, or the relay lost its connection or stopped on an unexpected error. */
    void failed() {
        failures.increment();
    }

    private static double backlog(JdbcClient jdbc) {
        try {
            Long count = jdbc.sql("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
                    .query(Long.class)
                    .single();
            return count == null ? 0 : count;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static double oldestUnsentAgeSeconds(JdbcClient jdbc) {
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
}
