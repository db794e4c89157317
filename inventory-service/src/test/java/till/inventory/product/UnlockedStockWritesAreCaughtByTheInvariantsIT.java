package till.inventory.product;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import till.inventory.refund.Returns;
import till.inventory.reservation.ReservationLifecycle;
import till.platform.invariants.InvariantsEndpoint;
import till.testsupport.TestInfrastructure;

/**
 * Proves the race can catch the bug it guards against: {@link WritersRacingForOneProductIT}'s writers, on a write
 * path that reads the product row without {@code FOR UPDATE NOWAIT}, lose updates, and the invariants report
 * names the product. Runs on its own database (the broken stock must not pollute the shared one) with no Kafka
 * listener.
 */
@SpringBootTest(properties = "spring.kafka.listener.auto-startup=false")
@DirtiesContext
class UnlockedStockWritesAreCaughtByTheInvariantsIT {

    private static final String DATABASE = TestInfrastructure.newDatabase("inventory_unlocked");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, DATABASE);
    }

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ProductRepository products;

    @Autowired
    ProductEdits edits;

    @Autowired
    ReservationLifecycle lifecycle;

    @Autowired
    Returns returns;

    @Autowired
    Adjustments adjustments;

    @Autowired
    InvariantsEndpoint invariants;

    @Autowired
    ProductLockProperties backOff;

    @Test
    void theRaceThroughAWritePathWithoutTheLockIsDetected() {
        // The production retry settings; only the row read differs: a plain SELECT, no lock.
        ProductLocks unlocked = new ProductLocks(transactions, new SimpleMeterRegistry(), backOff, products::findById);
        StockRace race = new StockRace(unlocked, lifecycle, returns, adjustments, jdbc);
        assertThat(invariants.report().sound()).isTrue();

        // A race is a matter of scheduling, so give the broken path a few rounds to show itself.
        List<InvariantsEndpoint.Violation> caught = List.of();
        for (int round = 0; round < 10 && caught.isEmpty(); round++) {
            String productId = "unlocked-" + round;
            edits.put(productId, null, "Racer", 100, 12);
            race.run(productId, 8, 30);
            caught = violationsOf(productId);
        }

        assertThat(caught).as("violations found by the invariants check").isNotEmpty();
        assertThat(invariants.report().sound()).isFalse();
        assertThat(caught)
                .allMatch(v -> v.invariant().startsWith("reserved = sum of RESERVED reservations")
                        || v.invariant().startsWith("onHand = sum(adjustments)"));
    }

    private List<InvariantsEndpoint.Violation> violationsOf(String productId) {
        return invariants.report().violations().stream()
                .filter(v -> v.detail().startsWith("product " + productId + ":"))
                .toList();
    }
}
