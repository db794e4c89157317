package till.ledger.posting;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import till.ledger.LedgerIntegrationTest;
import till.testsupport.StatementCounter;
import till.testsupport.StatementCounter.Counted;

/** Every posting costs the same few statements however long the customer's ledger already is. */
class HotPathsUseBoundedQueriesIT extends LedgerIntegrationTest {

    // lock, customer, business key, last balance, insert, outbox; a reversal also reads its sale
    private static final int MAX_STATEMENTS_PER_POSTING = 7;

    // lock; customer, business key, reversal and last balance in one query; insert; outbox
    private static final int STATEMENTS_PER_CHARGE = 4;

    @Test
    void aChargeCostsFourStatementsOnAnEmptyAndOnALongLedger() {
        String customer = newCustomer(1_000_000);

        Counted<PostingResult> first = StatementCounter.count(() -> ledger.charge(customer, customer + "-first", 100));
        for (int i = 0; i < 100; i++) {
            ledger.charge(customer, customer + "-" + i, 100);
        }
        Counted<PostingResult> later = StatementCounter.count(() -> ledger.charge(customer, customer + "-later", 100));

        assertThat(first.result()).isInstanceOf(PostingResult.Appended.class);
        assertThat(later.result()).isInstanceOf(PostingResult.Appended.class);
        assertThat(first.statements()).isEqualTo(STATEMENTS_PER_CHARGE);
        assertThat(later.statements()).isEqualTo(first.statements());
    }

    @Test
    void reversalsRefundsPaymentsAndRepeatsAreBoundedToo() {
        String customer = newCustomer(1_000_000);
        ledger.charge(customer, customer + "-checkout", 500);

        assertThat(StatementCounter.count(() -> ledger.reverse(customer, customer + "-checkout"))
                        .statements())
                .isLessThanOrEqualTo(MAX_STATEMENTS_PER_POSTING);
        assertThat(StatementCounter.count(() -> ledger.refund(customer, customer + "-refund", 100))
                        .statements())
                .isLessThanOrEqualTo(MAX_STATEMENTS_PER_POSTING);
        assertThat(StatementCounter.count(() -> ledger.pay(customer, customer + "-payment", 100))
                        .statements())
                .isLessThanOrEqualTo(MAX_STATEMENTS_PER_POSTING);
        assertThat(StatementCounter.count(() -> ledger.charge(customer, customer + "-checkout", 500))
                        .statements())
                .as("a repeated charge stops at its business key")
                .isEqualTo(2);
    }

    @Test
    void aCustomerWithBalanceAndEntryCountIsOneQuery() {
        String customer = newCustomer(1_000);
        ledger.charge(customer, customer + "-checkout", 100);

        Counted<?> read = StatementCounter.count(() -> customers.find(customer));

        assertThat(read.statements()).isEqualTo(1);
    }
}
