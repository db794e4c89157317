package till.ledger.invariants;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import till.platform.invariants.InvariantCheck;

/**
 * SPEC invariant 2, in three checks over the whole ledger, each a single query. A violation names the
 * customer and, where there is one, the entry. At most {@value #MAX_REPORTED} violations are listed per check.
 */
@Configuration(proxyBeanMethods = false)
class LedgerInvariants {

    static final int MAX_REPORTED = 1000;

    @Bean
    InvariantCheck balanceEqualsSumOfEntries(JdbcClient jdbc) {
        return InvariantCheck.of(
                "every customer's balance (the last entry's balance_after) equals the sum of their entries",
                () -> jdbc.sql("""
                                SELECT c.customer_id, coalesce(last.entry_id, 0) AS entry_id,
                                       coalesce(last.balance_after_minor, 0) AS balance, coalesce(total.sum, 0) AS sum
                                FROM customers c
                                LEFT JOIN LATERAL (SELECT e.entry_id, e.balance_after_minor FROM entries e
                                                   WHERE e.customer_id = c.customer_id
                                                   ORDER BY e.entry_id DESC LIMIT 1) last ON true
                                LEFT JOIN LATERAL (SELECT sum(e.amount_minor) AS sum FROM entries e
                                                   WHERE e.customer_id = c.customer_id) total ON true
                                WHERE coalesce(last.balance_after_minor, 0) <> coalesce(total.sum, 0)
                                ORDER BY c.customer_id
                                LIMIT :max
                                """)
                        .param("max", MAX_REPORTED)
                        .query((rs, row) -> "customer " + rs.getString("customer_id") + ": balance "
                                + rs.getLong("balance") + " (entry " + rs.getLong("entry_id")
                                + ") but entries sum to " + rs.getLong("sum"))
                        .list());
    }

    @Bean
    InvariantCheck balanceChainUnbroken(JdbcClient jdbc) {
        return InvariantCheck.of(
                "every entry's balance_after is the previous entry's balance_after (0 for the first) plus its amount",
                () -> jdbc.sql("""
                                SELECT customer_id, entry_id, kind, amount_minor, balance_after_minor, previous
                                FROM (SELECT e.*, coalesce(lag(e.balance_after_minor)
                                          OVER (PARTITION BY e.customer_id ORDER BY e.entry_id), 0) AS previous
                                      FROM entries e) chain
                                WHERE balance_after_minor <> previous + amount_minor
                                ORDER BY customer_id, entry_id
                                LIMIT :max
                                """)
                        .param("max", MAX_REPORTED)
                        .query((rs, row) -> "customer " + rs.getString("customer_id") + ", entry "
                                + rs.getLong("entry_id") + " (" + rs.getString("kind") + " "
                                + rs.getLong("amount_minor") + "): balance_after " + rs.getLong("balance_after_minor")
                                + " but the previous balance was " + rs.getLong("previous"))
                        .list());
    }

    @Bean
    InvariantCheck noSaleOverCreditLimit(JdbcClient jdbc) {
        // The running sum, not only the recorded balance_after: a lost update could record a balance within
        // the limit while the true balance is over it.
        return InvariantCheck.of(
                "no SALE entry took the balance over the credit limit it was checked against",
                () -> jdbc.sql("""
                                SELECT customer_id, entry_id, running, balance_after_minor, credit_limit_minor
                                FROM (SELECT e.*, sum(e.amount_minor)
                                          OVER (PARTITION BY e.customer_id ORDER BY e.entry_id) AS running
                                      FROM entries e) r
                                WHERE kind = 'SALE'
                                  AND (credit_limit_minor IS NULL
                                       OR running > credit_limit_minor
                                       OR balance_after_minor > credit_limit_minor)
                                ORDER BY customer_id, entry_id
                                LIMIT :max
                                """)
                        .param("max", MAX_REPORTED)
                        .query((rs, row) -> "customer " + rs.getString("customer_id") + ", SALE entry "
                                + rs.getLong("entry_id") + ": balance " + rs.getLong("running")
                                + " (recorded " + rs.getLong("balance_after_minor") + ") over credit limit "
                                + rs.getString("credit_limit_minor"))
                        .list());
    }
}
