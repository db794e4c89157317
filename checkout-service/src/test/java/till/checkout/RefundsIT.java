package till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import till.contracts.checkout.CheckoutRefunded;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.ReturnStock;
import till.contracts.inventory.StockRejected;
import till.contracts.inventory.StockRejectionReason;
import till.contracts.inventory.StockReserved;
import till.contracts.inventory.StockReturned;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.PostCharge;
import till.contracts.ledger.PostRefund;
import till.contracts.ledger.RefundPosted;
import tools.jackson.databind.JsonNode;

/** Refunds: partial and repeated up to what was sold, never more, only of confirmed checkouts. */
class RefundsIT extends CheckoutHarness {

    private String confirmedSaleOfThree(String product) {
        String id = startCheckout("grace", Map.of(product, 3));
        awaitSent(id, ReserveStock.TYPE, 1);
        reply(id, StockReserved.TYPE, new StockReserved(id, product, 3, 100L));
        awaitSent(id, PostCharge.TYPE, 1);
        reply(id, ChargePosted.TYPE, new ChargePosted(id, "grace", 300L, 300L));
        awaitStatus(id, "CONFIRMED");
        return id;
    }

    private Response refund(String checkoutId, String product, int quantity, String key) {
        return post(
                "/api/checkouts/" + checkoutId + "/refunds",
                Map.of("lines", List.of(Map.of("productId", product, "quantity", quantity))),
                key);
    }

    @Test
    void partialAndRepeatedRefundsUpToWhatWasSoldThenConflict() {
        String product = "mug-" + UUID.randomUUID();
        String id = confirmedSaleOfThree(product);
        String key = UUID.randomUUID().toString();

        Response first = refund(id, product, 1, key);
        Response repeated = refund(id, product, 1, key);
        Response reusedKey = refund(id, product, 2, key);
        Response second = refund(id, product, 2, UUID.randomUUID().toString());
        Response tooMuch = refund(id, product, 1, UUID.randomUUID().toString());
        Response notSold =
                refund(id, "other-" + UUID.randomUUID(), 1, UUID.randomUUID().toString());

        assertThat(first.status()).isEqualTo(202);
        assertThat(first.body().get("amountMinor").asLong()).isEqualTo(100);
        assertThat(repeated.status()).isEqualTo(202);
        assertThat(repeated.body().get("refundId")).isEqualTo(first.body().get("refundId"));
        assertThat(reusedKey.status()).isEqualTo(422);
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.body().get("amountMinor").asLong()).isEqualTo(200);
        assertThat(tooMuch.status()).isEqualTo(409);
        assertThat(tooMuch.body().get("detail").asString()).contains("exceed the 3 sold");
        assertThat(notSold.status()).isEqualTo(409);

        List<JsonNode> returns = awaitSent(id, ReturnStock.TYPE, 2);
        List<JsonNode> credits = awaitSent(id, PostRefund.TYPE, 2);
        assertThat(returns).hasSize(2);
        assertThat(credits)
                .extracting(c -> c.get("data").get("amountMinor").asLong())
                .containsExactlyInAnyOrder(100L, 200L);
        assertThat(checkout(id).get("refunds")).hasSize(2);
    }

    @Test
    void aRefundCompletesWhenStockIsReturnedAndTheCreditPosted() {
        String product = "plate-" + UUID.randomUUID();
        String id = confirmedSaleOfThree(product);
        Response refund = refund(id, product, 3, UUID.randomUUID().toString());
        String refundId = refund.body().get("refundId").asString();

        reply(id, StockReturned.TYPE, new StockReturned(refundId, id, product, 3));
        reply(id, RefundPosted.TYPE, new RefundPosted(refundId, id, "grace", 300L));
        reply(id, RefundPosted.TYPE, new RefundPosted(refundId, id, "grace", 300L));

        awaitSent(id, CheckoutRefunded.TYPE, 1);
        assertThat(checkout(id).get("refunds").get(0).get("status").asString()).isEqualTo("COMPLETED");
        assertThat(sent(id, CheckoutRefunded.TYPE)).hasSize(1);
    }

    @Test
    void aCheckoutThatIsNotConfirmedCannotBeRefunded() {
        String product = "bowl-" + UUID.randomUUID();
        String pending = startCheckout("heidi", Map.of(product, 1));
        Response whilePending = refund(pending, product, 1, UUID.randomUUID().toString());
        awaitSent(pending, ReserveStock.TYPE, 1);
        reply(pending, StockRejected.TYPE, new StockRejected(pending, product, StockRejectionReason.OUT_OF_STOCK));
        awaitStatus(pending, "REJECTED");
        Response whenRejected = refund(pending, product, 1, UUID.randomUUID().toString());
        Response unknown = refund(
                UUID.randomUUID().toString(), product, 1, UUID.randomUUID().toString());

        assertThat(whilePending.status()).isEqualTo(409);
        assertThat(whenRejected.status()).isEqualTo(409);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(sent(pending, ReturnStock.TYPE)).isEmpty();
    }
}
