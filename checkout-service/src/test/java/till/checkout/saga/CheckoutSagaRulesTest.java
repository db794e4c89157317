package till.checkout.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import till.contracts.checkout.CheckoutConfirmed;
import till.contracts.checkout.CheckoutRejected;
import till.contracts.inventory.CommitStock;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.ledger.PostCharge;
import till.contracts.ledger.ReverseCharge;

/** The saga's rules, every path, without Spring, Kafka or a database. */
class CheckoutSagaRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private Checkout threeLines() {
        return Checkout.start(
                UUID.randomUUID(),
                "alice",
                NOW.plus(Duration.ofSeconds(30)),
                List.of(line(0, "espresso", 2), line(1, "croissant", 1), line(2, "jam", 3)));
    }

    private static CheckoutLine line(int no, String product, int quantity) {
        return new CheckoutLine(no, product, quantity, null, LineState.REQUESTED);
    }

    private static List<String> types(List<Outgoing> messages) {
        return messages.stream().map(Outgoing::type).toList();
    }

    @Test
    void reservesEveryLineThenChargesTheTotalThenConfirmsAndCommitsEveryLine() {
        Checkout checkout = threeLines();
        assertThat(types(checkout.drain())).containsExactly(ReserveStock.TYPE, ReserveStock.TYPE, ReserveStock.TYPE);

        checkout.stockReserved("espresso", 350);
        checkout.stockReserved("croissant", 275);
        assertThat(checkout.drain()).isEmpty();
        checkout.stockReserved("jam", 100);
        List<Outgoing> charge = checkout.drain();
        assertThat(types(charge)).containsExactly(PostCharge.TYPE);
        assertThat(((PostCharge) charge.getFirst().data()).amountMinor()).isEqualTo(2 * 350 + 275 + 3 * 100);
        assertThat(charge.getFirst().key()).isEqualTo("alice");

        assertThat(checkout.status()).isEqualTo(CheckoutStatus.PENDING);
        checkout.chargePosted();
        // The posted charge makes the sale: confirmed at once, the commits follow (ADR 5).
        assertThat(checkout.status()).isEqualTo(CheckoutStatus.CONFIRMED);
        assertThat(types(checkout.drain()))
                .containsExactly(CommitStock.TYPE, CommitStock.TYPE, CommitStock.TYPE, CheckoutConfirmed.TYPE);
        assertThat(checkout.lines()).extracting(CheckoutLine::state).containsOnly(LineState.COMMIT_REQUESTED);
        checkout.stockCommitted("espresso");
        checkout.stockCommitted("croissant");
        checkout.stockCommitted("jam");

        assertThat(checkout.status()).isEqualTo(CheckoutStatus.CONFIRMED);
        assertThat(checkout.lines()).extracting(CheckoutLine::state).containsOnly(LineState.COMMITTED);
        assertThat(checkout.drain()).isEmpty();
    }

    @Test
    void outOfStockOnOneOfThreeLinesReleasesTheOtherTwo() {
        Checkout checkout = threeLines();
        checkout.drain();
        checkout.stockReserved("espresso", 350);
        checkout.stockRejected("croissant", RejectionReason.OUT_OF_STOCK);

        assertThat(checkout.status()).isEqualTo(CheckoutStatus.REJECTED);
        assertThat(checkout.reason()).isEqualTo(RejectionReason.OUT_OF_STOCK);
        List<Outgoing> compensation = checkout.drain();
        assertThat(compensation)
                .filteredOn(m -> m.type().equals(ReleaseStock.TYPE))
                .extracting(Outgoing::key)
                .containsExactlyInAnyOrder("espresso", "jam");
        assertThat(types(compensation)).doesNotContain(ReverseCharge.TYPE).contains(CheckoutRejected.TYPE);

        // The jam's reservation arrives after the rejection: the release already on its way gives it back.
        checkout.stockReserved("jam", 100);
        assertThat(checkout.drain()).isEmpty();
        assertThat(checkout.status()).isEqualTo(CheckoutStatus.REJECTED);
    }

    @Test
    void aRejectedChargeReleasesEveryLine() {
        Checkout checkout = threeLines();
        checkout.drain();
        checkout.stockReserved("espresso", 350);
        checkout.stockReserved("croissant", 275);
        checkout.stockReserved("jam", 100);
        checkout.drain();

        checkout.chargeRejected(RejectionReason.CREDIT_LIMIT_EXCEEDED);

        assertThat(checkout.reason()).isEqualTo(RejectionReason.CREDIT_LIMIT_EXCEEDED);
        assertThat(types(checkout.drain()))
                .containsExactly(ReleaseStock.TYPE, ReleaseStock.TYPE, ReleaseStock.TYPE, CheckoutRejected.TYPE);
    }

    @Test
    void theDeadlineRejectsAndReversesARequestedChargeAndALateChargeChangesNothing() {
        Checkout checkout = threeLines();
        checkout.drain();
        checkout.stockReserved("espresso", 350);
        checkout.stockReserved("croissant", 275);
        checkout.stockReserved("jam", 100);
        checkout.drain();

        assertThat(checkout.overdue(NOW)).isFalse();
        checkout.timeOut(NOW.plus(Duration.ofSeconds(31)));

        assertThat(checkout.reason()).isEqualTo(RejectionReason.TIMED_OUT);
        assertThat(types(checkout.drain())).contains(ReverseCharge.TYPE).contains(ReleaseStock.TYPE);
        checkout.chargePosted();
        checkout.stockCommitted("jam");
        assertThat(checkout.drain()).isEmpty();
        assertThat(checkout.status()).isEqualTo(CheckoutStatus.REJECTED);
    }

    @Test
    void aPostedChargeIsNeverTimedOutBecauseOnlyCommitsRemain() {
        Checkout checkout = Checkout.start(UUID.randomUUID(), "bob", NOW, List.of(line(0, "espresso", 1)));
        checkout.stockReserved("espresso", 350);
        checkout.chargePosted();

        assertThat(checkout.overdue(NOW.plus(Duration.ofMinutes(5)))).isFalse();
    }

    @Test
    void duplicateRepliesChangeNothing() {
        Checkout checkout = Checkout.start(UUID.randomUUID(), "carol", NOW.plusSeconds(30), List.of(line(0, "tea", 1)));
        checkout.drain();
        checkout.stockReserved("tea", 300);
        checkout.stockReserved("tea", 300);
        assertThat(types(checkout.drain())).containsExactly(PostCharge.TYPE);
        checkout.chargePosted();
        checkout.chargePosted();
        assertThat(types(checkout.drain())).containsExactly(CommitStock.TYPE, CheckoutConfirmed.TYPE);
        checkout.stockCommitted("tea");
        checkout.stockCommitted("tea");
        assertThat(checkout.drain()).isEmpty();
        checkout.stockRejected("tea", RejectionReason.OUT_OF_STOCK);
        checkout.chargeRejected(RejectionReason.CREDIT_LIMIT_EXCEEDED);
        assertThat(checkout.status()).isEqualTo(CheckoutStatus.CONFIRMED);
        assertThat(checkout.drain()).isEmpty();
    }
}
