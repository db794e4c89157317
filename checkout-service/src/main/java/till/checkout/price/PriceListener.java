package till.checkout.price;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import till.contracts.InvalidMessageException;
import till.contracts.inventory.ProductPriceChanged;
import till.contracts.inventory.StockLevelChanged;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.InboundMessages;
import till.platform.kafka.PollApplier;
import till.platform.kafka.Topics;

/**
 * Inventory's facts on {@code inventory.events}, keyed by product id, into the price copy: each price fact once (the
 * inbox), a poll's in one transaction ({@link PollApplier}). The stock-level facts, most of the topic, are skipped
 * without a statement. One consumer thread: prices change seldom, and the topic's other facts need no work.
 */
@Component
class PriceListener {

    private static final Logger log = LoggerFactory.getLogger(PriceListener.class);

    private final InboundMessages messages;
    private final PollApplier poll;
    private final ProductPrices prices;

    PriceListener(InboundMessages messages, PollApplier poll, ProductPrices prices) {
        this.messages = messages;
        this.poll = poll;
        this.prices = prices;
    }

    @KafkaListener(id = "checkout-prices", topics = Topics.INVENTORY_EVENTS, batch = "true", concurrency = "1")
    void on(List<ConsumerRecord<String, String>> records) {
        poll.applyWanted(records, this::bind, (event, fact) -> apply(fact));
    }

    private Optional<ProductPriceChanged> bind(CloudEvent event) {
        return switch (event.type()) {
            case ProductPriceChanged.TYPE ->
                Optional.of(messages.dataOfSubject(
                        event, ProductPriceChanged.class, ProductPriceChanged::productId, "productId"));
            case StockLevelChanged.TYPE -> Optional.empty();
            default ->
                throw new InvalidMessageException(
                        "unknown message type '" + event.type() + "' on " + Topics.INVENTORY_EVENTS);
        };
    }

    private void apply(ProductPriceChanged fact) {
        if (prices.apply(fact.productId(), fact.priceMinor(), fact.version())) {
            log.debug("price of {} is {} as of version {}", fact.productId(), fact.priceMinor(), fact.version());
        } else {
            log.info(
                    "price {} of {} at version {} is older than the one kept; not applied",
                    fact.priceMinor(),
                    fact.productId(),
                    fact.version());
        }
    }
}
