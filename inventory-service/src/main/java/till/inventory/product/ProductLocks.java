package till.inventory.product;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one write path for a product. Every change (the five Kafka commands, REST edits and adjustments) runs in a
 * transaction whose first statement locks the product row with {@code FOR UPDATE NOWAIT}. Commands are already
 * serialised per product by the partition key; the lock is the backstop against every other writer (the admin
 * API, a zombie consumer after a rebalance). A writer that finds the row locked does not queue behind it (that
 * is what made the counter wait): it rolls back and retries the whole transaction with exponential backoff and
 * jitter, bounded in attempts and time, and then fails loudly with {@link LockUnavailableException}.
 *
 * <p>{@link #writeAll} locks several products at once for a poll of commands, without waiting and without retrying:
 * its caller falls back to one {@link #writeGroup} per product when it fails.
 */
@Component
@EnableConfigurationProperties(ProductLockProperties.class)
public class ProductLocks {

    private static final Logger log = LoggerFactory.getLogger(ProductLocks.class);

    /** PostgreSQL's lock_not_available, raised by NOWAIT when another transaction holds the row. */
    static final String LOCK_NOT_AVAILABLE = "55P03";

    private final Function<String, Optional<Product>> readRow;
    private final Function<Collection<String>, Map<String, Product>> readRows;
    private final TransactionTemplate tx;
    private final RetryTemplate retry;
    private final Counter conflicts;
    private final Counter retries;
    private final Counter exhausted;

    @Autowired
    ProductLocks(
            JdbcClient jdbc,
            PlatformTransactionManager transactions,
            MeterRegistry meters,
            ProductLockProperties backOff) {
        this(transactions, meters, backOff, productId -> lock(jdbc, productId), productIds -> lock(jdbc, productIds));
    }

    /** For the test that shows what happens when a write reads its row without the lock. */
    ProductLocks(
            PlatformTransactionManager transactions,
            MeterRegistry meters,
            ProductLockProperties backOff,
            Function<String, Optional<Product>> readRow) {
        this(transactions, meters, backOff, readRow, productIds -> {
            Map<String, Product> found = new LinkedHashMap<>();
            productIds.forEach(id -> readRow.apply(id).ifPresent(product -> found.put(id, product)));
            return found;
        });
    }

    private ProductLocks(
            PlatformTransactionManager transactions,
            MeterRegistry meters,
            ProductLockProperties backOff,
            Function<String, Optional<Product>> readRow,
            Function<Collection<String>, Map<String, Product>> readRows) {
        this.readRow = readRow;
        this.readRows = readRows;
        this.tx = new TransactionTemplate(transactions);
        this.retry = new RetryTemplate(RetryPolicy.builder()
                .predicate(ProductLocks::isLockNotAvailable)
                .maxRetries(backOff.maxRetries())
                .delay(backOff.initialDelay())
                .multiplier(2.0)
                .jitter(backOff.jitter())
                .maxDelay(backOff.maxDelay())
                .timeout(backOff.timeout())
                .build());
        this.conflicts = Counter.builder("till.inventory.lock.conflicts")
                .description("attempts that found the product row locked (SQLSTATE 55P03)")
                .register(meters);
        this.retries = Counter.builder("till.inventory.lock.retries")
                .description("transactions run again after a lock conflict")
                .register(meters);
        this.exhausted = Counter.builder("till.inventory.lock.exhausted")
                .description("writes that gave up because the row stayed locked through the retry budget")
                .register(meters);
    }

    /**
     * Runs {@code work} in a new transaction that first locks the product row; {@code work} gets the locked
     * product, or empty when there is none. The whole transaction is retried on a lock conflict, so {@code work}
     * must do nothing outside the database that it could not repeat.
     */
    public <T extends @Nullable Object> T write(String productId, Function<Optional<Product>, T> work) {
        return inTransaction(productId, status -> work.apply(readRow.apply(productId)));
    }

    /**
     * {@link #write} for a group of messages for one product, applied in one transaction under one lock: the hot
     * product pays for one lock and one commit per group instead of per message. {@code work} also gets the
     * transaction, to isolate each message with a savepoint.
     */
    public <T extends @Nullable Object> T writeGroup(
            String productId, BiFunction<Optional<Product>, TransactionStatus, T> work) {
        return inTransaction(productId, status -> work.apply(readRow.apply(productId), status));
    }

    /**
     * Runs {@code work} in one new transaction that first locks every row of {@code productIds} in one statement;
     * {@code work} gets the locked products by id (a missing product is absent) and the transaction. A poll's
     * commands for many products then pay one commit instead of one per product (ADR 5, round 10).
     *
     * <p>Tried once: when any row is locked by another writer it throws {@link LockUnavailableException} at once,
     * and the caller applies the products one {@link #writeGroup} each, which waits for a locked one with backoff.
     * So a poll waits for a lock in one place only, and the products that are free do not wait with it.
     */
    public <T extends @Nullable Object> T writeAll(
            Collection<String> productIds, BiFunction<Map<String, Product>, TransactionStatus, T> work) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the locked write path owns its transaction: call it outside of one");
        }
        try {
            return tx.execute(status -> work.apply(readRows.apply(productIds), status));
        } catch (RuntimeException e) {
            if (isLockNotAvailable(e)) {
                conflicts.increment();
                log.debug("one of products {} is locked by another writer", productIds);
                throw new LockUnavailableException(String.join(", ", productIds), 1, e);
            }
            throw e;
        }
    }

    private <T extends @Nullable Object> T inTransaction(String productId, TransactionCallback<T> work) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the locked write path owns its transaction: call it outside of one");
        }
        AtomicInteger attempts = new AtomicInteger();
        try {
            return retry.execute(() -> {
                if (attempts.getAndIncrement() > 0) {
                    retries.increment();
                }
                try {
                    return tx.execute(work);
                } catch (RuntimeException e) {
                    if (isLockNotAvailable(e)) {
                        conflicts.increment();
                        log.debug("product {} is locked by another writer (attempt {})", productId, attempts.get());
                    }
                    throw e;
                }
            });
        } catch (RetryException e) {
            Throwable last = e.getCause();
            if (isLockNotAvailable(last)) {
                exhausted.increment();
                log.warn("product {} stayed locked through {} attempts; giving up", productId, attempts.get());
                throw new LockUnavailableException(productId, attempts.get(), last);
            }
            if (last instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (last instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(last);
        }
    }

    private static Optional<Product> lock(JdbcClient jdbc, String productId) {
        return jdbc.sql("""
                        SELECT product_id, name, price_minor, on_hand, reserved, version
                        FROM products
                        WHERE product_id = ?
                        FOR UPDATE NOWAIT
                        """).param(productId).query(Products::map).optional();
    }

    /** One statement; rows are locked in product id order, though NOWAIT never waits, so no two can deadlock. */
    private static Map<String, Product> lock(JdbcClient jdbc, Collection<String> productIds) {
        Map<String, Product> locked = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT product_id, name, price_minor, on_hand, reserved, version
                        FROM products
                        WHERE product_id = ANY (?)
                        ORDER BY product_id
                        FOR UPDATE NOWAIT
                        """)
                .param(productIds.toArray(String[]::new))
                .query(Products::map)
                .list()
                .forEach(product -> locked.put(product.productId(), product));
        return locked;
    }

    /** Reads the SQLState along the cause chain; exception translation alone may hide or rename it. */
    static boolean isLockNotAvailable(@Nullable Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState())) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
