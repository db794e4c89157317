package till.checkout.price;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import till.checkout.CheckoutHarness;
import till.contracts.inventory.ProductPriceChanged;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockLevelChanged;
import till.contracts.inventory.StockRejected;
import till.contracts.inventory.StockRejectionReason;
import till.contracts.inventory.StockReserved;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.PostCharge;
import till.contracts.ledger.ReverseCharge;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.Topics;
import till.testsupport.ContractExamples;
import till.testsupport.TestInfrastructure;
import till.testsupport.TopicReader;
import tools.jackson.databind.JsonNode;

/**
 * checkout-service's copy of inventory's prices (ADR 10), fed with facts on {@code inventory.events} as inventory
 * publishes them, and the checkouts it quotes: their charge goes out with their reservations.
 */
class PriceCopyIT extends CheckoutHarness {

    @Test
    void thePublishedExamplesAreReadThePriceKeptAndTheStockLevelSkippedWithoutAStatement() {
        JsonNode price = mapper.readTree(ContractExamples.of(ProductPriceChanged.TYPE));
        JsonNode level = mapper.readTree(ContractExamples.of(StockLevelChanged.TYPE));
        String productId = price.get("subject").asString();

        // The stock level first, on the same product's partition: once the price is kept, it was read before it.
        kafka.send(Topics.INVENTORY_EVENTS, productId, ContractExamples.of(StockLevelChanged.TYPE))
                .join();
        kafka.send(Topics.INVENTORY_EVENTS, productId, ContractExamples.of(ProductPriceChanged.TYPE))
                .join();

        await().atMost(PATIENCE).until(() -> keptPrice(productId), p -> p != null && p == 49_900);
        assertThat(inboxed(level.get("id").asString())).isZero();
        assertThat(inboxed(price.get("id").asString())).isOne();
    }

    @Test
    void aPriceIsNeverTakenBackByAnOlderOrTheSameVersion() {
        String product = "priced-" + UUID.randomUUID();
        publishPrice(product, 500, 3);
        await().atMost(PATIENCE).until(() -> keptPrice(product), p -> p != null && p == 500);

        String older = publishPrice(product, 400, 2);
        String same = publishPrice(product, 450, 3);
        await().atMost(PATIENCE).until(() -> inboxed(older) + inboxed(same) == 2);
        assertThat(keptPrice(product)).isEqualTo(500);
        assertThat(keptVersion(product)).isEqualTo(3);

        publishPrice(product, 600, 4);
        await().atMost(PATIENCE).until(() -> keptPrice(product), p -> p != null && p == 600);
        assertThat(keptVersion(product)).isEqualTo(4);
    }

    /** A tea at 300 and a cake at 450, both priced in the copy. */
    private record TeaAndCake(String tea, String cake) {}

    private TeaAndCake teaAndCake() {
        TeaAndCake products = new TeaAndCake("tea-" + UUID.randomUUID(), "cake-" + UUID.randomUUID());
        priced(products.tea(), 300);
        priced(products.cake(), 450);
        return products;
    }

    @Test
    void aCheckoutOfPricedProductsAsksForItsChargeWithItsReservationsAndIsConfirmedOnTheLastAnswer() {
        TeaAndCake priced = teaAndCake();
        String tea = priced.tea();
        String cake = priced.cake();

        String id = startCheckout("quentin", new LinkedHashMap<>(Map.of(tea, 2, cake, 1)));

        JsonNode charge = awaitSent(id, PostCharge.TYPE, 1).getFirst();
        assertThat(charge.get("data").get("amountMinor").asLong()).isEqualTo(2 * 300 + 450);
        assertThat(awaitSent(id, ReserveStock.TYPE, 2))
                .extracting(r -> r.get("data").get("quotedUnitPriceMinor").asLong())
                .containsExactlyInAnyOrder(300L, 450L);
        // The charge answers first: charged, not yet sold.
        String posted = reply(id, ChargePosted.TYPE, new ChargePosted(id, "quentin", 1_050L, 1_050L));
        await().atMost(PATIENCE).until(() -> inboxed(posted) == 1);
        assertThat(checkout(id).get("status").asString()).isEqualTo("PENDING");
        reply(id, StockReserved.TYPE, new StockReserved(id, tea, 2, 300L));
        reply(id, StockReserved.TYPE, new StockReserved(id, cake, 1, 450L));

        JsonNode confirmed = awaitStatus(id, "CONFIRMED");
        assertThat(confirmed.get("totalMinor").asLong()).isEqualTo(1_050);
        assertThat(sent(id, PostCharge.TYPE)).hasSize(1);
    }

    @Test
    void aPriceChangedReservationRejectsTheCheckoutReleasesTheOtherLineAndReversesTheCharge() {
        TeaAndCake priced = teaAndCake();
        String tea = priced.tea();
        String cake = priced.cake();
        String id = startCheckout("rita", new LinkedHashMap<>(Map.of(tea, 1, cake, 1)));
        awaitSent(id, PostCharge.TYPE, 1);
        reply(id, StockReserved.TYPE, new StockReserved(id, tea, 1, 300L));

        reply(id, StockRejected.TYPE, new StockRejected(id, cake, StockRejectionReason.PRICE_CHANGED));

        assertThat(awaitStatus(id, "REJECTED").get("reason").asString()).isEqualTo("PRICE_CHANGED");
        assertThat(awaitSent(id, ReleaseStock.TYPE, 1))
                .singleElement()
                .satisfies(r -> assertThat(r.get("subject").asString()).isEqualTo(tea));
        assertThat(awaitSent(id, ReverseCharge.TYPE, 1))
                .singleElement()
                .satisfies(r -> assertThat(r.get("subject").asString()).isEqualTo("rita"));
    }

    @Test
    void aProductWithoutAPriceInTheCopySendsTheCheckoutTheOldWayReservingBeforeCharging() {
        String priced = "tea-" + UUID.randomUUID();
        String unknown = "new-" + UUID.randomUUID();
        priced(priced, 300);

        String id = startCheckout("sam", new LinkedHashMap<>(Map.of(priced, 1, unknown, 1)));

        assertThat(awaitSent(id, ReserveStock.TYPE, 2))
                .allSatisfy(r ->
                        assertThat(r.get("data").has("quotedUnitPriceMinor")).isFalse());
        assertThat(sent(id, PostCharge.TYPE)).isEmpty();
        reply(id, StockReserved.TYPE, new StockReserved(id, priced, 1, 310L));
        reply(id, StockReserved.TYPE, new StockReserved(id, unknown, 1, 90L));
        assertThat(awaitSent(id, PostCharge.TYPE, 1)
                        .getFirst()
                        .get("data")
                        .get("amountMinor")
                        .asLong())
                .isEqualTo(400);
    }

    @Test
    void aFactOfATypeNobodyKnowsOnInventoryEventsGoesToItsDeadLetterTopic() {
        String key = "mystery-" + UUID.randomUUID();
        CloudEvent unknown = CloudEvent.create(
                "till.inventory.NoSuchFact", "/till/test", key, mapper.valueToTree(Map.of("productId", key)));
        kafka.send(Topics.INVENTORY_EVENTS, key, mapper.writeValueAsString(unknown))
                .join();

        List<?> deadLetters = TopicReader.read(
                TestInfrastructure.kafkaBootstrapServers(),
                Topics.deadLetter(Topics.INVENTORY_EVENTS),
                r -> key.equals(r.key()),
                found -> !found.isEmpty());
        assertThat(deadLetters).hasSize(1);
    }

    private long inboxed(String messageId) {
        return jdbc.sql("SELECT count(*) FROM inbox WHERE message_id = ?")
                .param(messageId)
                .query(Long.class)
                .single();
    }

    private long keptVersion(String productId) {
        return jdbc.sql("SELECT version FROM product_prices WHERE product_id = ?")
                .param(productId)
                .query(Long.class)
                .single();
    }
}
