package till.ledger.posting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import till.contracts.ledger.ChargeRejectionReason;
import till.ledger.LedgerIntegrationTest;
import till.ledger.LedgerRow;
import till.ledger.Race;

class ConcurrentChargesNeverExceedCreditLimitIT extends LedgerIntegrationTest {

    @Autowired
    TransactionTemplate tx;

    @Test
    void thirtyTwoConcurrentChargesPostExactlyTheTenTheLimitAllows() {
        String customer = newCustomer(1_000);

        List<PostingResult> results = Race.run(32, i -> ledger.charge(customer, customer + "-checkout-" + i, 100));

        assertThat(results.stream().filter(PostingResult.Appended.class::isInstance))
                .hasSize(10);
        assertThat(results.stream().filter(PostingResult.Refused.class::isInstance))
                .hasSize(22)
                .allMatch(r -> ((PostingResult.Refused) r).reason() == ChargeRejectionReason.CREDIT_LIMIT_EXCEEDED);
        List<LedgerRow> rows = entries(customer);
        assertThat(rows).hasSize(10).allMatch(r -> r.kind().equals("SALE"));
        assertThat(LedgerRow.assertChainUnbroken(rows)).isEqualTo(1_000);
        assertThat(LedgerRow.sum(rows)).isEqualTo(1_000);
        assertThat(balance(customer)).isEqualTo(1_000);
        assertInvariantsHold();
    }

    /** A posting's result and the customer's balance right after it, read under the customer's lock. */
    private record Decided(PostingResult result, long balanceAfter) {}

    @Test
    void paymentsRacingChargesLeaveAnExactBalanceNeverOverTheLimit() {
        String customer = newCustomer(1_000);

        // 40 charges of 100 and 10 payments of 100 released together; odd racers pay. Each racer reads the
        // balance in its posting's transaction, still under the lock, so it sees what its decision was made on.
        List<Decided> results = Race.run(
                50,
                i -> tx.execute(status -> {
                    PostingResult result = i % 5 == 1
                            ? ledger.pay(customer, customer + "-payment-" + i, 100)
                            : ledger.charge(customer, customer + "-checkout-" + i, 100);
                    return new Decided(result, balance(customer));
                }));

        assertThat(results).extracting(Decided::result).noneMatch(PostingResult.AlreadyPosted.class::isInstance);
        List<Decided> charged = results.stream()
                .filter(d -> d.result() instanceof PostingResult.Appended appended
                        && appended.entry().kind() == EntryKind.SALE)
                .toList();
        List<Decided> refused = results.stream()
                .filter(d -> d.result() instanceof PostingResult.Refused)
                .toList();
        List<LedgerRow> rows = entries(customer);
        long sales = LedgerRow.count(rows, "SALE");
        assertThat(LedgerRow.count(rows, "PAYMENT")).isEqualTo(10);
        assertThat(sales).as("one SALE entry per charge answered Appended").isEqualTo(charged.size());
        assertThat(refused).as("every other charge refused").hasSize(40 - charged.size());
        // A charge of 100 is refused only at a balance of 1000 (balances move in hundreds), and never otherwise.
        assertThat(refused)
                .allSatisfy(d -> assertThat(d.result())
                        .isEqualTo(new PostingResult.Refused(ChargeRejectionReason.CREDIT_LIMIT_EXCEEDED)))
                .allSatisfy(d -> assertThat(d.balanceAfter())
                        .as("balance a refusal was decided on")
                        .isEqualTo(1_000));
        assertThat(charged).allSatisfy(d -> assertThat(d.balanceAfter()).isLessThanOrEqualTo(1_000));
        long expected = sales * 100 - 10 * 100;
        assertThat(LedgerRow.assertChainUnbroken(rows)).isEqualTo(expected);
        assertThat(LedgerRow.sum(rows)).isEqualTo(expected);
        assertThat(balance(customer)).isEqualTo(expected);
        assertThat(rows).allMatch(r -> r.balanceAfterMinor() <= 1_000);
        assertInvariantsHold();
    }

    @Test
    void creditsAreNotLimitedAndAChargeFitsExactlyUpToTheLimit() {
        String customer = newCustomer(500);

        assertThat(ledger.charge(customer, customer + "-a", 500)).isInstanceOf(PostingResult.Appended.class);
        assertThat(ledger.charge(customer, customer + "-b", 1))
                .isEqualTo(new PostingResult.Refused(ChargeRejectionReason.CREDIT_LIMIT_EXCEEDED));
        assertThat(ledger.refund(customer, customer + "-refund", 200)).isInstanceOf(PostingResult.Appended.class);
        assertThat(ledger.charge(customer, customer + "-c", 200)).isInstanceOf(PostingResult.Appended.class);

        assertThat(balance(customer)).isEqualTo(500);
        assertThat(entries(customer))
                .extracting(LedgerRow::kind, LedgerRow::amountMinor, LedgerRow::balanceAfterMinor)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("SALE", 500L, 500L),
                        org.assertj.core.groups.Tuple.tuple("REFUND", -200L, 300L),
                        org.assertj.core.groups.Tuple.tuple("SALE", 200L, 500L));
    }

    @Test
    void entriesCannotBeUpdatedOrDeleted() {
        String customer = newCustomer(500);
        ledger.charge(customer, customer + "-a", 100);

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> jdbc.sql("UPDATE entries SET amount_minor = 1 WHERE customer_id = ?")
                                .param(customer)
                                .update())
                .hasMessageContaining("append-only");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbc.sql("DELETE FROM entries WHERE customer_id = ?")
                        .param(customer)
                        .update())
                .hasMessageContaining("append-only");
        assertThat(entries(customer)).hasSize(1);
    }
}
