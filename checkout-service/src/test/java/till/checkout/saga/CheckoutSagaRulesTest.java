package till.checkout.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import till.contracts.checkout.CheckoutConfirmed;
import till.contracts.checkout.CheckoutRejected;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.ledger.PostCharge;
import till.contracts.ledger.ReverseCharge;

/** The saga's rules, every path, without Spring, Kafka or a database. */
class CheckoutSagaRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    /** What {@link #quoted} charges: two espressos at 350 and a croissant at 275. */
    private static final long QUOTED_TOTAL = 2 * 350 + 275;

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
    void reservesEveryLineThenChargesTheTotalThenConfirmsWithEveryLineSold() {
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
        // The posted charge makes the sale: confirmed at once. Every line was sold at its reservation (ADR 17), so
        // nothing goes to inventory.
        assertThat(checkout.status()).isEqualTo(CheckoutStatus.CONFIRMED);
        assertThat(types(checkout.drain())).containsExactly(CheckoutConfirmed.TYPE);
        assertThat(checkout.lines()).extracting(CheckoutLine::state).containsOnly(LineState.COMMITTED);
        // An older inventory's answers to an older checkout-service's commits change nothing here.
        checkout.stockCommitted("espresso");
        checkout.stockCommitRefused("croissant");

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
        assertThat(types(checkout.drain())).containsExactly(CheckoutConfirmed.TYPE);
        checkout.stockReserved("tea", 300);
        assertThat(checkout.drain()).isEmpty();
        checkout.stockRejected("tea", RejectionReason.OUT_OF_STOCK);
        checkout.chargeRejected(RejectionReason.CREDIT_LIMIT_EXCEEDED);
        assertThat(checkout.status()).isEqualTo(CheckoutStatus.CONFIRMED);
        assertThat(checkout.drain()).isEmpty();
    }

    // ADR 10: a checkout quoted from the price copy asks for its reservations and its charge at once.

    private Checkout quoted(String customer) {
        return Checkout.start(
                UUID.randomUUID(),
                customer,
                NOW.plus(Duration.ofSeconds(30)),
                List.of(quotedLine(0, "espresso", 2, 350), quotedLine(1, "croissant", 1, 275)));
    }

    private static CheckoutLine quotedLine(int no, String product, int quantity, long price) {
        return new CheckoutLine(no, product, quantity, price, LineState.REQUESTED);
    }

    @Test
    void aQuotedCheckoutAsksForEveryReservationAtItsQuoteAndForTheChargeOfTheQuotedTotalAtOnce() {
        Checkout checkout = quoted("alice");

        List<Outgoing> sent = checkout.drain();
        assertThat(types(sent)).containsExactly(ReserveStock.TYPE, ReserveStock.TYPE, PostCharge.TYPE);
        assertThat(sent.subList(0, 2))
                .extracting(m -> ((ReserveStock) m.data()).quotedUnitPriceMinor())
                .containsExactly(350L, 275L);
        assertThat(((PostCharge) sent.get(2).data()).amountMinor()).isEqualTo(QUOTED_TOTAL);
        assertThat(sent.get(2).key()).isEqualTo("alice");
        assertThat(checkout.charge()).isEqualTo(ChargeState.REQUESTED);
        assertThat(checkout.totalMinor()).isEqualTo(QUOTED_TOTAL);
    }

    @Test
    void aCheckoutWithALineWithoutAQuoteReservesEveryLineWithoutAQuoteBeforeCharging() {
        Checkout checkout = Checkout.start(
                UUID.randomUUID(),
                "bob",
                NOW.plusSeconds(30),
                List.of(quotedLine(0, "espresso", 2, 350), line(1, "new-product", 1)));

        List<Outgoing> sent = checkout.drain();
        assertThat(types(sent)).containsExactly(ReserveStock.TYPE, ReserveStock.TYPE);
        assertThat(sent)
                .extracting(m -> ((ReserveStock) m.data()).quotedUnitPriceMinor())
                .containsOnlyNulls();
        assertThat(checkout.lines()).extracting(CheckoutLine::unitPriceMinor).containsOnlyNulls();
        assertThat(checkout.charge()).isEqualTo(ChargeState.NONE);

        checkout.stockReserved("espresso", 360);
        checkout.stockReserved("new-product", 100);
        assertThat(((PostCharge) checkout.drain().getFirst().data()).amountMinor())
                .isEqualTo(2 * 360 + 100);
    }

    @Test
    void aQuotedCheckoutIsConfirmedOnTheLastOfItsAnswersInEveryOrder() {
        List<String> answers = List.of("espresso", "croissant", "charge");
        for (List<String> order : permutations(answers)) {
            Checkout checkout = quoted("carol");
            checkout.drain();
            for (int i = 0; i < order.size(); i++) {
                answer(checkout, order.get(i));
                List<Outgoing> sent = checkout.drain();
                if (i < order.size() - 1) {
                    assertThat(checkout.status())
                            .as("%s after %d", order, i + 1)
                            .isEqualTo(CheckoutStatus.PENDING);
                    assertThat(sent).as("%s after %d", order, i + 1).isEmpty();
                } else {
                    assertThat(checkout.status()).as("%s", order).isEqualTo(CheckoutStatus.CONFIRMED);
                    assertThat(types(sent)).as("%s", order).containsExactly(CheckoutConfirmed.TYPE);
                    assertThat(((CheckoutConfirmed) sent.getFirst().data()).totalMinor())
                            .isEqualTo(QUOTED_TOTAL);
                }
            }
            // Every answer again, as a redelivery: nothing more is sent.
            order.forEach(a -> answer(checkout, a));
            assertThat(checkout.drain()).as("%s repeated", order).isEmpty();
            assertThat(checkout.overdue(NOW.plus(Duration.ofMinutes(5)))).isFalse();
        }
    }

    private static void answer(Checkout checkout, String answer) {
        switch (answer) {
            case "charge" -> checkout.chargePosted();
            case "espresso" -> checkout.stockReserved("espresso", 350);
            case "croissant" -> checkout.stockReserved("croissant", 275);
            default -> throw new IllegalArgumentException(answer);
        }
    }

    private static List<List<String>> permutations(List<String> items) {
        if (items.size() <= 1) {
            return List.of(items);
        }
        List<List<String>> all = new java.util.ArrayList<>();
        for (String first : items) {
            List<String> rest = items.stream().filter(i -> !i.equals(first)).toList();
            for (List<String> tail : permutations(rest)) {
                List<String> order = new java.util.ArrayList<>(List.of(first));
                order.addAll(tail);
                all.add(order);
            }
        }
        return all;
    }

    @Test
    void aStockRejectionBeforeTheChargeIsPostedReleasesTheOtherLineAndReversesTheRequestedCharge() {
        for (RejectionReason why :
                List.of(RejectionReason.OUT_OF_STOCK, RejectionReason.UNKNOWN_PRODUCT, RejectionReason.PRICE_CHANGED)) {
            Checkout checkout = quoted("dave");
            checkout.drain();
            checkout.stockReserved("espresso", 350);

            checkout.stockRejected("croissant", why);

            assertThat(checkout.status()).as("%s", why).isEqualTo(CheckoutStatus.REJECTED);
            assertThat(checkout.reason()).isEqualTo(why);
            List<Outgoing> compensation = checkout.drain();
            assertThat(types(compensation))
                    .as("%s", why)
                    .containsExactly(ReleaseStock.TYPE, ReverseCharge.TYPE, CheckoutRejected.TYPE);
            assertThat(compensation.getFirst().key()).isEqualTo("espresso");
            assertThat(checkout.charge()).isEqualTo(ChargeState.REVERSAL_REQUESTED);

            // The charge posted before the ledger took the reversal: it confirms nothing, the reversal takes it back.
            checkout.chargePosted();
            assertThat(checkout.drain()).isEmpty();
            checkout.chargeReversed();
            assertThat(checkout.status()).isEqualTo(CheckoutStatus.REJECTED);
            assertThat(checkout.charge()).isEqualTo(ChargeState.REVERSED);
        }
    }

    @Test
    void aStockRejectionAfterTheChargeIsPostedReleasesTheOtherLinesAndReversesThePostedCharge() {
        Checkout checkout = quoted("erin");
        checkout.drain();
        checkout.chargePosted();
        assertThat(checkout.status()).isEqualTo(CheckoutStatus.PENDING);
        assertThat(checkout.drain()).isEmpty();

        checkout.stockRejected("espresso", RejectionReason.PRICE_CHANGED);

        assertThat(checkout.reason()).isEqualTo(RejectionReason.PRICE_CHANGED);
        List<Outgoing> compensation = checkout.drain();
        assertThat(types(compensation)).containsExactly(ReleaseStock.TYPE, ReverseCharge.TYPE, CheckoutRejected.TYPE);
        assertThat(compensation.getFirst().key()).isEqualTo("croissant");
        // The other line's reservation arrives late: the release already sent after it gives it back.
        checkout.stockReserved("croissant", 275);
        assertThat(checkout.drain()).isEmpty();
        assertThat(checkout.status()).isEqualTo(CheckoutStatus.REJECTED);
    }

    @Test
    void aRejectedChargeOfAQuotedCheckoutReleasesEveryLineReservedOrNotAndReversesNothing() {
        Checkout checkout = quoted("frank");
        checkout.drain();
        checkout.stockReserved("espresso", 350);

        checkout.chargeRejected(RejectionReason.CREDIT_LIMIT_EXCEEDED);

        assertThat(checkout.reason()).isEqualTo(RejectionReason.CREDIT_LIMIT_EXCEEDED);
        assertThat(types(checkout.drain()))
                .containsExactly(ReleaseStock.TYPE, ReleaseStock.TYPE, CheckoutRejected.TYPE);
        checkout.stockReserved("croissant", 275);
        assertThat(checkout.drain()).isEmpty();
    }

    @Test
    void theDeadlineBetweenThePostedChargeAndTheLastReservationReversesTheChargeAndReleasesEveryLine() {
        Checkout checkout = quoted("grace");
        checkout.drain();
        checkout.chargePosted();
        checkout.stockReserved("espresso", 350);
        assertThat(checkout.overdue(NOW)).isFalse();
        assertThat(checkout.overdue(NOW.plusSeconds(31))).isTrue();

        checkout.timeOut(NOW.plusSeconds(31));

        assertThat(checkout.reason()).isEqualTo(RejectionReason.TIMED_OUT);
        assertThat(types(checkout.drain()))
                .containsExactly(ReleaseStock.TYPE, ReleaseStock.TYPE, ReverseCharge.TYPE, CheckoutRejected.TYPE);
        checkout.stockReserved("croissant", 275);
        assertThat(checkout.drain()).isEmpty();
        assertThat(checkout.status()).isEqualTo(CheckoutStatus.REJECTED);
    }

    @Test
    void theDeadlineBeforeAnyAnswerReversesTheRequestedChargeAndALateChargeConfirmsNothing() {
        Checkout checkout = quoted("heidi");
        checkout.drain();

        checkout.timeOut(NOW.plusSeconds(31));

        assertThat(types(checkout.drain()))
                .containsExactly(ReleaseStock.TYPE, ReleaseStock.TYPE, ReverseCharge.TYPE, CheckoutRejected.TYPE);
        checkout.stockReserved("espresso", 350);
        checkout.stockReserved("croissant", 275);
        checkout.chargePosted();
        assertThat(checkout.drain()).isEmpty();
        assertThat(checkout.status()).isEqualTo(CheckoutStatus.REJECTED);
    }

    @Test
    void aReservationAtAnotherPriceThanItsQuoteRejectsTheCheckoutPriceChangedAndGivesEverythingBack() {
        Checkout checkout = quoted("ivan");
        checkout.drain();
        checkout.chargePosted();

        // Only an inventory that ignores quotes (older than ADR 10) reserves at another price.
        checkout.stockReserved("espresso", 400);

        assertThat(checkout.status()).isEqualTo(CheckoutStatus.REJECTED);
        assertThat(checkout.reason()).isEqualTo(RejectionReason.PRICE_CHANGED);
        List<Outgoing> compensation = checkout.drain();
        assertThat(types(compensation))
                .containsExactly(ReleaseStock.TYPE, ReleaseStock.TYPE, ReverseCharge.TYPE, CheckoutRejected.TYPE);
        assertThat(compensation.subList(0, 2)).extracting(Outgoing::key).containsExactly("espresso", "croissant");
    }
}
