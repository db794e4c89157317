package till.platform.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import till.platform.GenericPlans;
import till.platform.PlatformHarness;

/** The inbox clean-up keeps reading the old ids by index with the generic plan every service connection keeps. */
class InboxCleanUpPlanIT extends PlatformHarness {

    @Autowired
    DataSource dataSource;

    @Test
    void theCleanUpReadsTheIdsPastTheirRetentionByTheirIndexOnALargeInbox() throws SQLException {
        // A week's ids kept (20,000, received over the last six days, in no particular order on disk) and the 100
        // that passed the retention since the last clean-up. With the cut-off bound as a parameter the generic plan
        // assumed a third of the ids would go, and scanned the table.
        String plan = GenericPlans.explain(dataSource, """
                INSERT INTO inbox (message_id, message_type, received_at)
                SELECT 'plan-' || gen_random_uuid(), 'till.test.Planned', now() - make_interval(secs => random() * 500000)
                FROM generate_series(1, 20000) AS n;
                INSERT INTO inbox (message_id, message_type, received_at)
                SELECT 'plan-' || gen_random_uuid(), 'till.test.Planned', now() - interval '8 days'
                FROM generate_series(1, 100) AS n;
                """, "inbox", Inbox.forgetting(Duration.ofDays(7)), "");

        assertThat(plan).as("the clean-up's plan").doesNotContain("Seq Scan on inbox");
        assertThat(GenericPlans.rowsExpectedThrough(plan, "inbox_received_at"))
                .as("ids the clean-up's plan expects, of 100 past their retention:\n%s", plan)
                .isBetween(10L, 1_000L);
    }
}
