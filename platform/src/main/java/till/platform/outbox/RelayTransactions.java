package till.platform.outbox;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's transactional producer (ADR 15): a hand-over in which a topic and key has more than one row goes to
 * the broker in one Kafka transaction, so that those rows need not wait for each other's acknowledgements (ADR 7)
 * and still land in order, all together or not at all.
 *
 * <p><b>One transactional id per service</b> ({@code till.outbox.relay.transactional-id}), the same on every
 * instance: the lease lets one of them lead. A new leader {@linkplain #open opens} its producer as it takes the
 * lease, and {@code initTransactions} aborts whatever transaction a killed leader left open and fences that leader's
 * producer. Until then every {@code read_committed} reader of the partitions it wrote waits at their last stable
 * offset; with an id per instance it would wait until {@code transaction.timeout.ms}.
 *
 * <p>Any failure closes the producer after trying to abort: a transaction is committed whole or not at all, the
 * dispatcher starts again from the oldest unsent row, and the next {@link #open} fences and aborts whatever the
 * closed producer left behind. Only the dispatcher's thread calls this class.
 */
final class RelayTransactions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayTransactions.class);

    /**
     * The default of {@code till.outbox.relay.transaction-timeout}: the broker aborts a transaction left open this
     * long, a backstop for a leader that dies and has no successor (a successor aborts it at once). Well above a
     * hand-over's commit, which takes a broker round trip or two.
     */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> config;
    private final String transactionalId;
    private @Nullable Producer<String, String> producer;

    /**
     * @param producerConfig the service's producer settings (the broker, its login, acks, idempotence)
     * @param transactionalId the service's transactional id, or empty for none: every row then goes as a plain send
     * @param timeout how long the broker keeps one of its transactions open before it aborts it
     */
    RelayTransactions(Map<String, Object> producerConfig, String transactionalId, Duration timeout) {
        this.transactionalId = transactionalId;
        this.config = new HashMap<>(producerConfig);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) timeout.toMillis());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
    }

    /** Whether this relay publishes in transactions at all. */
    boolean enabled() {
        return !transactionalId.isEmpty();
    }

    /**
     * Creates the producer and registers the transactional id, aborting a previous holder's open transaction, unless
     * that is done already. A failure is logged and leaves it to the next {@link #commit}, which tries again.
     */
    void open() {
        if (!enabled() || producer != null) {
            return;
        }
        try {
            producer();
        } catch (KafkaException e) {
            log.warn(
                    "outbox relay could not open its transactional producer {} yet: {}", transactionalId, e.toString());
        }
    }

    /**
     * Sends the records in one transaction and commits it; returns once the commit is done, so every record is in
     * the log. Throws if anything failed: the transaction is then aborted (or left to be aborted by the next
     * {@link #open}), and none of its records is visible to a {@code read_committed} reader.
     */
    void commit(List<ProducerRecord<String, String>> records) {
        Producer<String, String> open = producer();
        try {
            open.beginTransaction();
            // Within a transaction the idempotent producer keeps send order per partition; the commit fails if any
            // send failed, so no callback is needed.
            records.forEach(open::send);
            open.commitTransaction();
        } catch (RuntimeException e) {
            discard(open);
            throw e;
        }
    }

    /**
     * Closes the producer, if any: the lease is lost or the relay stops. No transaction is open then: {@link #commit}
     * ends every one it begins before it returns.
     */
    @Override
    public void close() {
        Producer<String, String> open = producer;
        producer = null;
        if (open != null) {
            open.close(Duration.ofSeconds(5));
        }
    }

    private Producer<String, String> producer() {
        Producer<String, String> open = producer;
        if (open == null) {
            open = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
            try {
                open.initTransactions();
            } catch (RuntimeException e) {
                open.close(Duration.ZERO);
                throw e;
            }
            producer = open;
        }
        return open;
    }

    /** Aborts what it can and closes: whatever stays open is aborted by the next producer's initTransactions. */
    private void discard(Producer<String, String> open) {
        producer = null;
        try {
            open.abortTransaction();
        } catch (RuntimeException e) {
            // The producer is fenced or broken: the next open() aborts what is left.
            log.debug("outbox relay's transaction not aborted by its own producer: {}", e.toString());
        }
        open.close(Duration.ofSeconds(5));
    }
}
