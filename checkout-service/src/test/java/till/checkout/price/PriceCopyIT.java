package till.checkout.price;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
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
 * checkout-service's copy of inventory's prices (ADR 10), fed with facts on {@code inventory.prices} as inventory
 * publishes them (ADR 14), and the checkouts it quotes: their charge goes out with their reservations.
 */
class PriceCopyIT extends CheckoutHarness {

    @Test
    void thePublishedExampleIsReadAndItsPriceKept() {
        JsonNode price = mapper.readTree(ContractExamples.of(ProductPriceChanged.TYPE));
        String productId = price.get("subject").asString();

        kafka.send(Topics.INVENTORY_PRICES, productId, ContractExamples.of(ProductPriceChanged.TYPE))
                .join();

        await().atMost(PATIENCE).until(() -> keptPrice(productId), p -> p != null && p == 49_900);
        assertThat(inboxed(price.get("id").asString())).isOne();
    }

    /**
     * The price copy reads the price topic and nothing else (ADR 14): inventory's stock facts, one or two per line of
     * every sale, no longer reach checkout-service at all.
     */
    @Test
    void thePriceCopyReadsOnlyThePriceTopic() throws Exception {
        try (Admin admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()))) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("checkout-prices"))
                        .all()
                        .get(30, TimeUnit.SECONDS)
                        .get("checkout-prices");
                assertThat(group.members())
                        .flatExtracting(m -> m.assignment().topicPartitions())
                        .extracting(TopicPartition::topic)
                        .isNotEmpty()
                        .containsOnly(Topics.INVENTORY_PRICES);
            });
        }
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

    /** On the price topic anything but a price is a mistake, a stock fact included: dead-lettered, not skipped. */
    @Test
    void aFactOfAnotherTypeOnThePriceTopicGoesToItsDeadLetterTopic() {
        String key = "mystery-" + UUID.randomUUID();
        CloudEvent unknown = CloudEvent.create(
                "till.inventory.NoSuchFact", "/till/test", key, mapper.valueToTree(Map.of("productId", key)));
        CloudEvent stock = CloudEvent.create(
                StockLevelChanged.TYPE,
                "/till/test",
                key,
                mapper.readTree(ContractExamples.of(StockLevelChanged.TYPE)).get("data"));
        kafka.send(Topics.INVENTORY_PRICES, key, mapper.writeValueAsString(unknown))
                .join();
        kafka.send(Topics.INVENTORY_PRICES, key, mapper.writeValueAsString(stock))
                .join();

        List<ConsumerRecord<String, String>> deadLetters = TopicReader.read(
                TestInfrastructure.kafkaBootstrapServers(),
                Topics.deadLetter(Topics.INVENTORY_PRICES),
                r -> key.equals(r.key()),
                found -> found.size() >= 2);
        assertThat(deadLetters)
                .extracting(r -> mapper.readTree(r.value()).get("type").asString())
                .containsExactly("till.inventory.NoSuchFact", StockLevelChanged.TYPE);
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
