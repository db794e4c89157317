package till.ledger.customer;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Customers and their credit limits. A limit change does not take the posting lock: every charge reads the
 * limit after taking it and records the limit it was checked against on its SALE entry. Plain SQL rather than a
 * Spring Data repository: the PUT is a create-or-update two callers may race, one statement here, and the read
 * joins the ledger's entries (ADR 9).
 */
@Component
public class Customers {

    private final JdbcClient jdbc;

    Customers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates or updates; true when the customer was created. */
    @Transactional
    public boolean save(String customerId, String name, long creditLimitMinor) {
        // xmax = 0 only on a freshly inserted row version, so it tells an insert from an update.
        return jdbc.sql("""
                        INSERT INTO customers (customer_id, name, credit_limit_minor)
                        VALUES (:customerId, :name, :creditLimit)
                        ON CONFLICT (customer_id) DO UPDATE
                            SET name = EXCLUDED.name, credit_limit_minor = EXCLUDED.credit_limit_minor, updated_at = now()
                        RETURNING (xmax = 0) AS created
                        """)
                .param("customerId", customerId)
                .param("name", name)
                .param("creditLimit", creditLimitMinor)
                .query(Boolean.class)
                .single();
    }

    /** The customer with their balance and entry count, in one query. */
    @Transactional(readOnly = true)
    public Optional<CustomerView> find(String customerId) {
        return jdbc.sql("""
                        SELECT c.customer_id, c.name, c.credit_limit_minor,
                               coalesce((SELECT e.balance_after_minor FROM entries e
                                         WHERE e.customer_id = c.customer_id
                                         ORDER BY e.entry_id DESC LIMIT 1), 0) AS balance_minor,
                               (SELECT count(*) FROM entries e WHERE e.customer_id = c.customer_id) AS entry_count
                        FROM customers c
                        WHERE c.customer_id = :customerId
                        """)
                .param("customerId", customerId)
                .query((rs, row) -> new CustomerView(
                        rs.getString("customer_id"),
                        rs.getString("name"),
                        rs.getLong("balance_minor"),
                        rs.getLong("credit_limit_minor"),
                        rs.getLong("entry_count")))
                .optional();
    }
}
