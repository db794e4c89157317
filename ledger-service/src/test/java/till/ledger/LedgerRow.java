package till.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A raw row of the entries table, read straight from the database for assertions. */
public record LedgerRow(long entryId, String kind, long amountMinor, long balanceAfterMinor, String reference) {

    public static List<LedgerRow> of(JdbcClient jdbc, String customerId) {
        return jdbc.sql("""
                        SELECT entry_id, kind, amount_minor, balance_after_minor, reference
                        FROM entries WHERE customer_id = ? ORDER BY entry_id
                        """).param(customerId).query(LedgerRow.class).list();
    }

    /** Each balance_after follows from the one before, the first from 0; returns the final balance. */
    public static long assertChainUnbroken(List<LedgerRow> rows) {
        long balance = 0;
        for (LedgerRow row : rows) {
            balance += row.amountMinor();
            assertThat(row.balanceAfterMinor())
                    .as("balance_after of entry %d (%s)", row.entryId(), row.kind())
                    .isEqualTo(balance);
        }
        return balance;
    }

    public static long sum(List<LedgerRow> rows) {
        return rows.stream().mapToLong(LedgerRow::amountMinor).sum();
    }

    public static long count(List<LedgerRow> rows, String kind) {
        return rows.stream().filter(r -> r.kind().equals(kind)).count();
    }
}
