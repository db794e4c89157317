package till.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import till.platform.GenericPlans;
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
        String plan = GenericPlans.explain(
                dataSource,
                sentRows(SENT_ROWS, "now() - make_interval(secs => n)") + unsentRows(),
                "outbox",
                GenericPlans.numbered(Dispatcher.PAGE),
                "NULL, NULL, 0, 100");

        assertThat(plan).as("the page's plan").contains("outbox_unsent").doesNotContain("Seq Scan on outbox");
    }

    @Test
    void theCleanUpReadsTheRowsPastTheirRetentionByTheirIndexOnALargeOutbox() throws SQLException {
        // A day's rows kept, in no particular order on disk, and the few that passed the retention since the last
        // clean-up: found by index. With the cut-off bound as a parameter (sent_at < ?) the generic plan assumed a
        // third of the rows would go, and scanned the table.
        String plan = GenericPlans.explain(
                dataSource,
                sentRows(SENT_ROWS, "now() - make_interval(secs => random() * 80000)")
                        + sentRows(100, "now() - interval '2 days'"),
                "outbox",
                OutboxCleanup.deletion(Duration.ofHours(24)),
                "");

        assertThat(plan).as("the clean-up's plan").doesNotContain("Seq Scan on outbox");
        assertThat(GenericPlans.rowsExpectedThrough(plan, "outbox_sent_at"))
                .as("rows the clean-up's plan expects, of 100 past their retention:\n%s", plan)
                .isBetween(10L, 1_000L);
    }

    /** {@code rows} sent rows, row {@code n} sent at {@code sentAt}. */
    private static String sentRows(int rows, String sentAt) {
        return """
                INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, topic, message_key, sent_at)
                SELECT gen_random_uuid(), 'ledger.events', 'k' || n, 'till.test.Planned', '{}', 'ledger.events',
                       'k' || n, %s
                FROM generate_series(1, %d) AS n;
                """.formatted(sentAt, rows);
    }

    private static String unsentRows() {
        return """
                INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, topic, message_key)
                SELECT gen_random_uuid(), 'ledger.events', 'k' || n, 'till.test.Planned', '{}', 'ledger.events', 'k' || n
                FROM generate_series(1, 10) AS n;
                """;
    }
}
