package till.ledger.posting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import till.ledger.LedgerIntegrationTest;
import till.platform.AdvisoryLockSpace;
import till.testsupport.TestInfrastructure;

class CustomersDoNotWaitForEachOtherIT extends LedgerIntegrationTest {

    @Test
    void aHeldLockOnOneCustomerStallsOnlyThatCustomersPostings() throws Exception {
        String a = newCustomer(1_000);
        String b = newCustomer(1_000);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Connection holder =
                DriverManager.getConnection(DATABASE, TestInfrastructure.username(), TestInfrastructure.password())) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                lock.setInt(1, AdvisoryLockSpace.LEDGER_CUSTOMER);
                lock.setString(2, a);
                lock.execute();
            }

            CompletableFuture<PostingResult> postingForA =
                    CompletableFuture.supplyAsync(() -> ledger.charge(a, a + "-checkout", 100), executor);
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingForCustomerLocks() == 1);

            PostingResult postingForB =
                    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> ledger.charge(b, b + "-checkout", 100));
            assertThat(postingForB).isInstanceOf(PostingResult.Appended.class);
            assertThat(balance(b)).isEqualTo(100);

            assertThat(postingForA).isNotDone();
            assertThat(waitingForCustomerLocks()).isEqualTo(1);
            assertThat(entries(a)).isEmpty();

            holder.rollback();
            await().atMost(Duration.ofSeconds(10)).until(postingForA::isDone);
            assertThat(postingForA.get()).isInstanceOf(PostingResult.Appended.class);
            assertThat(balance(a)).isEqualTo(100);
        } finally {
            executor.shutdownNow();
        }
        assertInvariantsHold();
    }

    private long waitingForCustomerLocks() {
        return jdbc.sql("""
                        SELECT count(*) FROM pg_locks
                        WHERE locktype = 'advisory' AND NOT granted AND classid::bigint = :space
                          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                        """)
                .param("space", AdvisoryLockSpace.LEDGER_CUSTOMER)
                .query(Long.class)
                .single();
    }
}
