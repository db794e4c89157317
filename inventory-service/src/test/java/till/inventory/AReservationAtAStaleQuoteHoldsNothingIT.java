package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import till.contracts.inventory.ProductPriceChanged;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockLevelChanged;
import till.contracts.inventory.StockRejected;
import till.contracts.inventory.StockReserved;
import till.platform.kafka.Topics;

/**
 * ADR 10: a checkout charged at the price it quoted is reserved only at that price. A quote that is no longer the
 * product's price is refused PRICE_CHANGED and holds nothing; and every price a product is given is published, so
 * that checkout-service quotes the price inventory will reserve at.
 */
class AReservationAtAStaleQuoteHoldsNothingIT extends InventoryHarness {

    @Test
    void aQuoteThatIsNoLongerThePriceIsRefusedPriceChangedAndHoldsNothingWhileTheRightQuoteReserves() {
        String productId = "quoted-" + UUID.randomUUID();
        String etag = createProduct(productId, 1_000, 10);
        Response edited = http(
                "PUT",
                "/api/products/" + productId,
                Map.of("name", "Repriced", "priceMinor", 1_100, "onHand", 10),
                "If-Match",
                etag);
        assertThat(edited.status()).isEqualTo(200);
        String stale = "stale-" + UUID.randomUUID();
        String current = "current-" + UUID.randomUUID();
        String unquoted = "unquoted-" + UUID.randomUUID();

        try (TopicTap replies = new TopicTap(Topics.CHECKOUT_REPLIES)) {
            send(command(ReserveStock.TYPE, productId, new ReserveStock(stale, productId, 3, 1_000L)));
            send(command(ReserveStock.TYPE, productId, new ReserveStock(current, productId, 2, 1_100L)));
            send(command(ReserveStock.TYPE, productId, new ReserveStock(unquoted, productId, 1)));
            String last = "last-" + UUID.randomUUID();
            send(command(ReleaseStock.TYPE, productId, new ReleaseStock(last, productId)));
            await().atMost(PATIENCE).until(() -> !replies.events(Set.of(last)).isEmpty() && unsentOutboxRows() == 0);

            List<Seen> refused = replies.eventsToEnd(Set.of(stale));
            assertThat(refused).singleElement().satisfies(answer -> {
                assertThat(answer.type()).isEqualTo(StockRejected.TYPE);
                assertThat(answer.data().get("reason").asString()).isEqualTo("PRICE_CHANGED");
            });
            assertThat(replies.eventsToEnd(Set.of(current, unquoted)))
                    .allSatisfy(answer -> {
                        assertThat(answer.type()).isEqualTo(StockReserved.TYPE);
                        assertThat(answer.data().get("unitPriceMinor").asLong()).isEqualTo(1_100);
                    })
                    .hasSize(2);
        }
        // Only the two reservations at the product's price sold units (ADR 17); the refused one left no row behind.
        assertThat(row(productId).onHand()).isEqualTo(10 - 3);
        assertThat(jdbc.sql("SELECT count(*) FROM reservations WHERE checkout_id = ?")
                        .param(stale)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(invariants().get("sound").asBoolean()).isTrue();
    }

    @Test
    void aNewProductAndEveryPriceEditPublishTheirPriceAtTheirVersionAndAStockOnlyEditDoesNot() {
        String productId = "priced-" + UUID.randomUUID();
        String path = "/api/products/" + productId;

        try (TopicTap facts = new TopicTap(Topics.INVENTORY_PRICES);
                TopicTap stockFacts = new TopicTap(Topics.INVENTORY_EVENTS)) {
            String v1 = createProduct(productId, 700, 5);
            String v2 = http("PUT", path, Map.of("name", "x", "priceMinor", 700, "onHand", 8), "If-Match", v1)
                    .header("ETag");
            Response v3 = http("PUT", path, Map.of("name", "x", "priceMinor", 650, "onHand", 8), "If-Match", v2);
            assertThat(v3.status()).isEqualTo(200);
            await().atMost(PATIENCE).until(() -> unsentOutboxRows() == 0);

            List<Seen> prices = facts.eventsToEnd(Set.of(productId)).stream()
                    .filter(fact -> fact.type().equals(ProductPriceChanged.TYPE))
                    .toList();
            assertThat(prices)
                    .extracting(
                            fact -> fact.data().get("priceMinor").asLong(),
                            fact -> fact.data().get("version").asLong())
                    .containsExactly(tuple(700L, 1L), tuple(650L, 3L));
            // Prices have a topic of their own (ADR 14): the stock facts' topic carries none.
            assertThat(stockFacts.eventsToEnd(Set.of(productId)))
                    .isNotEmpty()
                    .extracting(Seen::type)
                    .containsOnly(StockLevelChanged.TYPE);
        }
    }
}
