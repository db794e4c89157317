package till.ledger.posting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import till.ledger.Race;
import till.ledger.customer.Customers;
import till.platform.invariants.InvariantsEndpoint;
import till.platform.outbox.Outbox;
import till.testsupport.TestInfrastructure;

/**
 * Proves the race test can catch the bug it guards against: the same 32-charge race through a posting path
 * without the customer lock breaks the ledger, and the invariants report names the customer. Runs on its own
 * database (the broken ledger must not pollute the shared one) with no Kafka listener.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.kafka.listener.auto-startup=false")
@DirtiesContext
class UnlockedPostingIsCaughtByTheInvariantsIT {

    private static final String DATABASE = TestInfrastructure.newDatabase("ledger_unlocked");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, DATABASE);
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Outbox outbox;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    Customers customers;

    @Autowired
    InvariantsEndpoint invariants;

    @Test
    void theRaceThroughAPostingPathWithoutTheLockIsDetected() {
        Ledger unlocked = new Ledger(jdbc, customerId -> {}, outbox);
        assertThat(invariants.report().sound()).isTrue();

        // A race is a matter of scheduling, so give the broken path a few rounds to show itself.
        List<InvariantsEndpoint.Violation> caught = List.of();
        for (int round = 0; round < 10 && caught.isEmpty(); round++) {
            String customer = "unlocked-" + round;
            customers.save(customer, "Racer", 1_000);
            Race.run(32, i -> tx.execute(status -> unlocked.charge(customer, customer + "-checkout-" + i, 100)));
            caught = violationsOf(customer);
        }

        assertThat(caught).as("violations found by the invariants check").isNotEmpty();
        assertThat(invariants.report().sound()).isFalse();
        assertThat(caught)
                .allMatch(v -> v.invariant().startsWith("every customer's balance")
                        || v.invariant().startsWith("every entry's balance_after")
                        || v.invariant().startsWith("no SALE entry"));
    }

    private List<InvariantsEndpoint.Violation> violationsOf(String customer) {
        return invariants.report().violations().stream()
                .filter(v -> v.detail().startsWith("customer " + customer + ":")
                        || v.detail().startsWith("customer " + customer + ","))
                .toList();
    }
}
