package till.inventory.command;

import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.MDC;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import till.contracts.inventory.AdjustStock;
import till.contracts.inventory.CommitStock;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.ReturnStock;
import till.inventory.product.Adjustments;
import till.inventory.refund.Returns;
import till.inventory.reservation.ReservationLifecycle;
import till.platform.cloudevents.CloudEvent;
import till.platform.cloudevents.InvalidMessageException;
import till.platform.inbox.Inbox;
import till.platform.kafka.InboundMessages;
import till.platform.kafka.Topics;

/**
 * Reads {@code inventory.commands}: validates the envelope and the data, checks that the command is keyed by its
 * product (the partition key is what serialises a product's writes) and hands it to its feature. Anything
 * invalid throws {@link InvalidMessageException}, which the platform's error policy dead-letters at once;
 * nothing is skipped silently. Idempotency on the message id ({@link Inbox}) is applied under the product lock.
 */
@Component
class InventoryCommandListener {

    static final String MDC_CHECKOUT_ID = "checkoutId";

    private final InboundMessages inbound;
    private final ReservationLifecycle reservations;
    private final Returns returns;
    private final Adjustments adjustments;

    InventoryCommandListener(
            InboundMessages inbound, ReservationLifecycle reservations, Returns returns, Adjustments adjustments) {
        this.inbound = inbound;
        this.reservations = reservations;
        this.returns = returns;
        this.adjustments = adjustments;
    }

    @KafkaListener(id = "inventory-commands", topics = Topics.INVENTORY_COMMANDS)
    void on(ConsumerRecord<String, String> record) {
        try {
            CloudEvent message = inbound.read(record);
            switch (message.type()) {
                case ReserveStock.TYPE -> {
                    ReserveStock command = data(message, ReserveStock.class, ReserveStock::productId);
                    MDC.put(MDC_CHECKOUT_ID, command.checkoutId());
                    reservations.on(message, command);
                }
                case CommitStock.TYPE -> {
                    CommitStock command = data(message, CommitStock.class, CommitStock::productId);
                    MDC.put(MDC_CHECKOUT_ID, command.checkoutId());
                    reservations.on(message, command);
                }
                case ReleaseStock.TYPE -> {
                    ReleaseStock command = data(message, ReleaseStock.class, ReleaseStock::productId);
                    MDC.put(MDC_CHECKOUT_ID, command.checkoutId());
                    reservations.on(message, command);
                }
                case ReturnStock.TYPE -> {
                    ReturnStock command = data(message, ReturnStock.class, ReturnStock::productId);
                    MDC.put(MDC_CHECKOUT_ID, command.checkoutId());
                    returns.on(message, command);
                }
                case AdjustStock.TYPE ->
                    adjustments.on(message, data(message, AdjustStock.class, AdjustStock::productId));
                default ->
                    throw new InvalidMessageException(
                            "unknown type '" + message.type() + "' on " + Topics.INVENTORY_COMMANDS);
            }
        } finally {
            MDC.remove(MDC_CHECKOUT_ID);
            inbound.done();
        }
    }

    private <T> T data(CloudEvent message, Class<T> type, Function<T, String> productId) {
        T command = inbound.data(message, type);
        if (!productId.apply(command).equals(message.subject())) {
            throw new InvalidMessageException("data.productId '" + productId.apply(command)
                    + "' differs from the subject '" + message.subject() + "'");
        }
        return command;
    }
}
