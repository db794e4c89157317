package till.ledger.posting;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Collection;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import till.platform.AdvisoryLockSpace;

/**
 * The customer's posting lock: a transaction-scoped PostgreSQL advisory lock, released by commit or rollback,
 * so no lock can outlive its transaction on a pooled connection.
 */
@Component
class AdvisoryCustomerLock implements CustomerLock {

    private final JdbcClient jdbc;
    private final Timer lockWait;

    AdvisoryCustomerLock(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        // How long postings queue behind one customer: the price of serialising a hot customer.
        this.lockWait = Timer.builder("till.ledger.customer.lock.wait")
                .description("time a posting waited for its customer's advisory lock")
                .publishPercentileHistogram()
                .register(meters);
    }

    @Override
    public void lockForRestOfTransaction(Collection<String> customerIds) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            // Outside a transaction the xact lock would be released as soon as the statement ends.
            throw new IllegalStateException("the customer lock is taken only inside the posting transaction");
        }
        // The two-int form pg_advisory_xact_lock(space, key): the first int is the namespace
        // AdvisoryLockSpace.LEDGER_CUSTOMER (0x71110002), which no other lock in Till uses, so a customer key can
        // never collide with the outbox relay's lock or anyone else's. The key is hashtext(customer_id): two
        // customers whose ids hash alike merely wait for each other, which costs time, never correctness.
        // Several customers (a poll's charges) are locked in one statement in the order of their keys, the order
        // every transaction shares: the sorted subquery feeds the locking call row by row.
        lockWait.record(() -> jdbc.sql("""
                        SELECT count(pg_advisory_xact_lock(?, k))
                        FROM (SELECT DISTINCT hashtext(c) AS k FROM unnest(?::text[]) AS u (c) ORDER BY k) AS sorted
                        """)
                .param(AdvisoryLockSpace.LEDGER_CUSTOMER)
                .param(customerIds.toArray(String[]::new))
                .query(Long.class)
                .single());
    }
}
