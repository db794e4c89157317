package till.platform.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import till.platform.Settings;

/**
 * The outbox relay's settings, {@code till.outbox.*}, checked when they are bound: a relay with a page of no rows or
 * a poll interval of zero would start and then spin or stall, so it does not start at all.
 *
 * @param batchSize rows read from the table per page
 * @param maxInFlight rows handed to the producer and not yet marked sent, at most (never fewer than a page)
 * @param pollInterval how often the relay reads the table without a wake-up; also how often a follower retries the
 *     lease
 * @param markDelay how long the marker gathers acknowledgements before it marks them sent in one statement (zero:
 *     at once); a mark is off every message's path, so this delays only cleanup and a full pipeline's room
 * @param retention how long sent rows are kept before cleanup deletes them
 * @param cleanupInterval how often cleanup runs
 * @param relay whether this instance runs a relay at all
 */
@ConfigurationProperties("till.outbox")
record OutboxProperties(
        @DefaultValue("500") int batchSize,
        @DefaultValue("2000") int maxInFlight,
        @DefaultValue("200ms") Duration pollInterval,
        @DefaultValue("100ms") Duration markDelay,
        @DefaultValue("24h") Duration retention,
        @DefaultValue("10m") Duration cleanupInterval,
        @DefaultValue Relay relay) {

    OutboxProperties {
        Settings.positive("till.outbox.batch-size", batchSize);
        Settings.positive("till.outbox.max-in-flight", maxInFlight);
        Settings.positive("till.outbox.poll-interval", pollInterval);
        Settings.notNegative("till.outbox.mark-delay", markDelay);
        Settings.positive("till.outbox.retention", retention);
        Settings.positive("till.outbox.cleanup-interval", cleanupInterval);
        maxInFlight = Math.max(maxInFlight, batchSize);
    }

    /**
     * @param enabled {@code false} leaves rows unsent: for fault tests, or when change-data capture publishes them
     * @param directHandOver whether a transaction in the active relay's instance hands its rows to the relay after
     *     commit, sparing the read of the table (ADR 6); {@code false} leaves every row to the table
     * @param transactionalId the Kafka transactional id of the service's relay, the same on every instance (ADR 15;
     *     the platform's default is {@code <spring.application.name>-relay}); empty: no transactions, every row goes
     *     on its own behind its key's unacknowledged row (ADR 7)
     * @param transactionTimeout how long the broker keeps a transaction of the relay open before it aborts it: how
     *     long {@code read_committed} readers wait behind a leader that died mid-transaction and has no successor (a
     *     successor aborts it as it takes the lease); at most the broker's {@code transaction.max.timeout.ms} (15
     *     min by default), or the broker refuses to register the relay's producer
     */
    record Relay(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("true") boolean directHandOver,
            @DefaultValue("") String transactionalId,
            @DefaultValue("30s") Duration transactionTimeout) {

        Relay {
            Settings.positive("till.outbox.relay.transaction-timeout", transactionTimeout);
        }

        /** A relay with the default transaction timeout. */
        static Relay of(boolean enabled, boolean directHandOver, String transactionalId) {
            return new Relay(enabled, directHandOver, transactionalId, RelayTransactions.TRANSACTION_TIMEOUT);
        }
    }

    /** The defaults, with these overrides and no transactions: for tests and benchmarks with relays of their own. */
    static OutboxProperties of(int batchSize, int maxInFlight, Duration pollInterval, boolean enabled) {
        return of(batchSize, maxInFlight, pollInterval, Relay.of(enabled, true, ""));
    }

    static OutboxProperties of(int batchSize, int maxInFlight, Duration pollInterval, Relay relay) {
        return new OutboxProperties(
                batchSize,
                maxInFlight,
                pollInterval,
                Duration.ofMillis(100),
                Duration.ofHours(24),
                Duration.ofMinutes(10),
                relay);
    }
}
