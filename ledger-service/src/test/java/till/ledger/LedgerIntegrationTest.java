package till.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import till.ledger.customer.Customers;
import till.ledger.posting.Ledger;
import till.platform.invariants.InvariantsEndpoint;
import till.testsupport.StatementCounter;
import till.testsupport.TestInfrastructure;

/**
 * Base of the integration tests that share one application context, one database and the embedded broker:
 * only one ledger-service consumes ledger.commands per test JVM, so tests use fresh customer ids instead of
 * fresh databases.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(StatementCounter.class)
public abstract class LedgerIntegrationTest {

    protected static final String DATABASE = TestInfrastructure.newDatabase("ledger");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, DATABASE);
    }

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    protected Customers customers;

    @Autowired
    protected Ledger ledger;

    @Autowired
    protected InvariantsEndpoint invariants;

    protected String newCustomer(long creditLimitMinor) {
        String customerId = "customer-" + UUID.randomUUID();
        customers.save(customerId, "Test customer", creditLimitMinor);
        return customerId;
    }

    protected List<LedgerRow> entries(String customerId) {
        return LedgerRow.of(jdbc, customerId);
    }

    protected long balance(String customerId) {
        return customers.find(customerId).orElseThrow().balanceMinor();
    }

    /** Every invariant holds for the whole ledger (every test's customers included). */
    protected void assertInvariantsHold() {
        InvariantsEndpoint.Report report = invariants.report();
        assertThat(report.checked()).hasSize(3);
        assertThat(report.violations()).isEmpty();
        assertThat(report.sound()).isTrue();
    }
}
