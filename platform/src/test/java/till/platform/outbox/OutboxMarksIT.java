package till.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import till.platform.PlatformHarness;
import till.platform.kafka.Topics;

/**
 * What marking a row sent costs the database (ADR 5, round 8): the acknowledgements of a moment share one statement,
 * and that statement's commit does not wait for the WAL flush.
 */
class OutboxMarksIT extends PlatformHarness {

    record Numbered(String run, int seq) {}

    @Autowired
    Outbox outbox;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    /**
     * Twenty rows committed one at a time, 10 ms apart, each acknowledged by the broker on its own: the marker, which
     * gathers acknowledgements for {@code till.outbox.mark-delay} (100 ms), marks them in a handful of statements.
     * Marking each acknowledgement as it came took one statement per row or close to it.
     */
    @Test
    void acknowledgementsOfAMomentAreMarkedInOneStatement() throws Exception {
        String run = "marks-" + UUID.randomUUID();
        jdbc.sql("CREATE TABLE IF NOT EXISTS test_mark_statements (run text NOT NULL, rows int NOT NULL)")
                .update();
        // A statement-level trigger: one row per UPDATE statement that marked any of this run's rows.
        jdbc.sql("""
                        CREATE OR REPLACE FUNCTION test_count_marks() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN
                            INSERT INTO test_mark_statements (run, rows)
                            SELECT split_part(message_key, '/', 1), count(*) FROM marked
                            WHERE message_key LIKE 'marks-%' AND sent_at IS NOT NULL
                            GROUP BY split_part(message_key, '/', 1);
                            RETURN NULL;
                        END $$""").update();
        jdbc.sql("""
                        CREATE TRIGGER test_count_marks AFTER UPDATE ON outbox
                        REFERENCING NEW TABLE AS marked FOR EACH STATEMENT EXECUTE FUNCTION test_count_marks()""").update();
        try {
            // The relay leading and the producer connected first, so that each of the rows below is acknowledged
            // on its own rather than all together behind a first connection.
            UUID first = tx.execute(s ->
                    outbox.append(Topics.LEDGER_EVENTS, run + "/first", "till.test.Numbered", new Numbered(run, -1)));
            awaitMarked(jdbc, List.of(first));
            jdbc.sql("DELETE FROM test_mark_statements").update();

            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                ids.add(tx.execute(s -> outbox.append(
                        Topics.LEDGER_EVENTS, run + "/" + n, "till.test.Numbered", new Numbered(run, n))));
                Thread.sleep(10);
            }
            awaitMarked(jdbc, ids);

            List<Integer> statements = jdbc.sql("SELECT rows FROM test_mark_statements WHERE run = ?")
                    .param(run)
                    .query(Integer.class)
                    .list();
            assertThat(statements.stream().mapToInt(Integer::intValue).sum())
                    .as("rows marked")
                    .isEqualTo(20);
            assertThat(statements).as("rows per mark statement").hasSizeLessThanOrEqualTo(6);
        } finally {
            jdbc.sql("DROP TRIGGER test_count_marks ON outbox").update();
        }
    }

    /**
     * The mark makes its transaction's commit asynchronous itself ({@code set_config} inside the statement, not a
     * {@code SET LOCAL} round trip before it), for that transaction only: the connection goes back to the pool with
     * the server's setting, so no saga commit after it on the same connection is made asynchronous.
     */
    @Test
    void aMarkCommitsWithoutWaitingForTheWalFlushAndOnlyItself() throws Exception {
        long seq = tx.execute(s -> {
            outbox.append(Topics.LEDGER_EVENTS, "marks-setting", "till.test.Numbered", new Numbered("setting", 0));
            return jdbc.sql("SELECT max(seq) FROM outbox").query(Long.class).single();
        });

        try (Connection connection = dataSource.getConnection()) {
            // The session durable, as in production (the tests' server commits asynchronously to save time).
            execute(connection, "SET synchronous_commit TO on");
            try {
                connection.setAutoCommit(false);
                try (PreparedStatement mark = connection.prepareStatement(Acknowledgements.MARK_SENT)) {
                    mark.setArray(1, connection.createArrayOf("bigint", new Long[] {seq}));
                    assertThat(mark.executeUpdate()).isEqualTo(1);
                }
                assertThat(setting(connection)).as("in the mark's transaction").isEqualTo("off");
                connection.commit();

                assertThat(setting(connection))
                        .as("in the connection's next transaction")
                        .isEqualTo("on");
                connection.rollback();
            } finally {
                connection.setAutoCommit(true);
                execute(connection, "RESET synchronous_commit");
            }
        }
    }

    /** Waits until every row of {@code ids} is marked sent. */
    static void awaitMarked(JdbcClient jdbc, List<UUID> ids) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("SELECT count(*) FROM outbox WHERE id = ANY (?) AND sent_at IS NOT NULL")
                                .param(ids.toArray(UUID[]::new))
                                .query(Long.class)
                                .single()
                        == ids.size());
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String setting(Connection connection) throws SQLException {
        return single(connection, "SELECT current_setting('synchronous_commit')");
    }

    private static String single(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(query)) {
            assertThat(result.next()).isTrue();
            return result.getString(1);
        }
    }
}
