package till.checkout.price;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import till.contracts.InvalidMessageException;
import till.contracts.inventory.ProductPriceChanged;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.InboundMessages;
import till.platform.kafka.PollApplier;
import till.platform.kafka.Topics;

/**
 * Inventory's price facts on {@code inventory.prices}, keyed by product id, into the price copy: each once (the
 * inbox), a poll's in one transaction ({@link PollApplier}). The topic carries nothing else, so this consumer wakes
 * only when a price changes (ADR 14); a message of any other type is dead-lettered. One consumer thread: prices
 * change seldom.
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

    @KafkaListener(id = "checkout-prices", topics = Topics.INVENTORY_PRICES, batch = "true", concurrency = "1")
    void on(List<ConsumerRecord<String, String>> records) {
        poll.apply(records, this::bind, (event, fact) -> apply(fact));
    }

    private ProductPriceChanged bind(CloudEvent event) {
        if (!event.type().equals(ProductPriceChanged.TYPE)) {
            throw new InvalidMessageException(
                    "'" + event.type() + "' is not a price: " + Topics.INVENTORY_PRICES + " carries prices only");
        }
        return messages.dataOfSubject(event, ProductPriceChanged.class, ProductPriceChanged::productId, "productId");
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
