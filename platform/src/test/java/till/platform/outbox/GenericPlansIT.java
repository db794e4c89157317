package till.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import till.platform.PlatformHarness;
import till.platform.kafka.Topics;

/**
 * Every service connection plans a prepared statement once and keeps the plan (plan_cache_mode force_generic_plan,
 * from the platform's defaults; ADR 5, round 11), and the statements whose best plan could depend on their values
 * still use their indexes with that generic plan on a table of realistic size.
 */
class GenericPlansIT extends PlatformHarness {

    private static final int SENT_ROWS = 20_000;

    @Autowired
    Outbox outbox;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    record Plans(String setting, long generic, long custom) {}

    @Test
    void aHotStatementIsPlannedOnceNotOnEveryCall() {
        Plans plans = tx.execute(status -> {
            // one connection (the transaction's), one message per call, as the ledger appends a reply
            for (int i = 0; i < 12; i++) {
                String key = "generic-plans-" + UUID.randomUUID();
                outbox.appendAll(List.of(new Outbox.Message(Topics.LEDGER_EVENTS, key, "till.test.Planned", Map.of())));
            }
            Plans seen = jdbc.sql("""
                            SELECT current_setting('plan_cache_mode') AS setting,
                                   coalesce(sum(generic_plans), 0) AS generic, coalesce(sum(custom_plans), 0) AS custom
                            FROM pg_prepared_statements WHERE statement LIKE '%INSERT INTO outbox%'
                            """)
                    .query((rs, n) -> new Plans(rs.getString("setting"), rs.getLong("generic"), rs.getLong("custom")))
                    .single();
            status.setRollbackOnly(); // nothing for the relay to send
            return seen;
        });

        assertThat(plans.setting()).isEqualTo("force_generic_plan");
        // The driver prepares a statement on the server from its fifth call on; each call after that used the plan
        // made once. With PostgreSQL's default (auto) the first five calls are planned each (custom plans), and
        // this one-row insert went on being planned on every call.
        assertThat(plans.custom()).as("calls planned for their values").isZero();
        assertThat(plans.generic()).as("calls that used the kept plan").isGreaterThanOrEqualTo(5);
    }

    @Test
    void theRelaysPageStillReadsTheUnsentRowsByTheirIndexOnALargeOutbox() throws SQLException {
        List<String> plan = explainOverALargeOutbox(numbered(Dispatcher.PAGE), "NULL, NULL, 0, 100");

        assertThat(String.join("\n", plan))
                .as("the page's generic plan")
                .contains("outbox_unsent")
                .doesNotContain("Seq Scan on outbox");
    }

    @Test
    void theCleanUpStillFindsTheOldRowsByTheirIndexOnALargeOutbox() throws SQLException {
        List<String> plan = explainOverALargeOutbox("DELETE FROM outbox WHERE sent_at < $1", "now()");

        assertThat(String.join("\n", plan))
                .as("the clean-up's generic plan")
                .contains("outbox_sent_at")
                .doesNotContain("Seq Scan on outbox");
    }

    @Test
    void theInboxCleanUpStillFindsTheOldIdsByTheirIndexOnALargeInbox() throws SQLException {
        List<String> plan =
                explainOver("""
                INSERT INTO inbox (message_id, message_type, received_at)
                SELECT 'generic-plans-' || gen_random_uuid(), 'till.test.Planned', now() - make_interval(secs => n)
                FROM generate_series(1, %d) AS n
                """.formatted(SENT_ROWS), "inbox", "DELETE FROM inbox WHERE received_at < $1", "now()");

        assertThat(String.join("\n", plan))
                .as("the inbox clean-up's generic plan")
                .contains("inbox_received_at")
                .doesNotContain("Seq Scan on inbox");
    }

    private List<String> explainOverALargeOutbox(String statement, String values) throws SQLException {
        return explainOver("""
                INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, topic, message_key, sent_at)
                SELECT gen_random_uuid(), 'ledger.events', 'k' || n, 'till.test.Planned', '{}', 'ledger.events',
                       'k' || n, CASE WHEN n > 10 THEN now() - make_interval(secs => n) END
                FROM generate_series(1, %d) AS n
                """.formatted(SENT_ROWS + 10), "outbox", statement, values);
    }

    /**
     * The plan a statement, prepared on this connection, is executed with over an outbox of {@link #SENT_ROWS} sent
     * rows and a few unsent (or over an inbox of as many ids); all rolled back. With force_generic_plan that is
     * the generic plan, whatever the values.
     */
    private List<String> explainOver(String filling, String table, String statement, String values)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement sql = connection.createStatement()) {
                sql.executeUpdate(filling);
                sql.execute("ANALYZE " + table);
                List<String> lines = new ArrayList<>();
                sql.execute("PREPARE planned AS " + statement);
                try (ResultSet rows = sql.executeQuery("EXPLAIN EXECUTE planned(" + values + ")")) {
                    while (rows.next()) {
                        lines.add(rows.getString(1));
                    }
                }
                sql.execute("DEALLOCATE planned"); // a prepared statement outlives the transaction
                return lines;
            } finally {
                connection.rollback();
            }
        }
    }

    /** The statement with its JDBC placeholders numbered, as PREPARE takes them. */
    private static String numbered(String jdbcStatement) {
        StringBuilder sql = new StringBuilder();
        int n = 0;
        for (char c : jdbcStatement.toCharArray()) {
            if (c == '?') {
                sql.append('$').append(++n);
            } else {
                sql.append(c);
            }
        }
        return sql.toString();
    }
}
