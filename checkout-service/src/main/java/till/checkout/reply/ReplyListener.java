package till.checkout.reply;

import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import till.checkout.refund.RefundService;
import till.checkout.saga.CheckoutSaga;
import till.checkout.saga.RejectionReason;
import till.contracts.InvalidMessageException;
import till.contracts.inventory.StockCommitRefused;
import till.contracts.inventory.StockCommitted;
import till.contracts.inventory.StockRejected;
import till.contracts.inventory.StockReleased;
import till.contracts.inventory.StockReserved;
import till.contracts.inventory.StockReturned;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.ChargeRejected;
import till.contracts.ledger.ChargeReversed;
import till.contracts.ledger.RefundPosted;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.InboundMessages;
import till.platform.kafka.PollApplier;
import till.platform.kafka.Topics;

/**
 * Replies from inventory and ledger on {@code checkout.replies}, keyed by checkout id so one checkout's replies
 * arrive in order. A poll's replies are applied in one transaction ({@link PollApplier}), each once (the inbox),
 * with all their checkouts locked in one statement and written back in one ({@link CheckoutSaga#replies}).
 */
@Component
class ReplyListener {

    private final InboundMessages messages;
    private final PollApplier poll;
    private final CheckoutSaga saga;
    private final RefundService refunds;

    ReplyListener(InboundMessages messages, PollApplier poll, CheckoutSaga saga, RefundService refunds) {
        this.messages = messages;
        this.poll = poll;
        this.saga = saga;
        this.refunds = refunds;
    }

    @KafkaListener(id = "checkout-replies", topics = Topics.CHECKOUT_REPLIES, batch = "true")
    void on(List<ConsumerRecord<String, String>> records) {
        poll.applyInBatches(records, this::bind, first -> {
            CheckoutSaga.Replies replies =
                    saga.replies(first.stream().map(Applied::checkoutId).toList());
            return new PollApplier.Batch<>() {
                @Override
                public void apply(CloudEvent event, Applied applied) {
                    replies.apply(applied.checkoutId(), event.id(), event.type(), applied.data(), applied.reply());
                }

                @Override
                public void finish() {
                    replies.finish();
                }
            };
        });
    }

    private record Applied(UUID checkoutId, Object data, CheckoutSaga.Reply reply) {}

    private Applied bind(CloudEvent event) {
        return switch (event.type()) {
            case StockReserved.TYPE -> {
                var m = messages.data(event, StockReserved.class);
                yield new Applied(
                        id(m.checkoutId()), m, (c, sender) -> c.stockReserved(m.productId(), m.unitPriceMinor()));
            }
            case StockRejected.TYPE -> {
                var m = messages.data(event, StockRejected.class);
                CheckoutSaga.Reply reply = switch (m.reason()) {
                    case OUT_OF_STOCK -> (c, sender) -> c.stockRejected(m.productId(), RejectionReason.OUT_OF_STOCK);
                    case UNKNOWN_PRODUCT ->
                        (c, sender) -> c.stockRejected(m.productId(), RejectionReason.UNKNOWN_PRODUCT);
                    case PRICE_CHANGED -> (c, sender) -> c.stockRejected(m.productId(), RejectionReason.PRICE_CHANGED);
                    // Our release overtook this reservation: the checkout is already rejected and compensated.
                    case ALREADY_RELEASED -> (c, sender) -> {};
                };
                yield new Applied(id(m.checkoutId()), m, reply);
            }
            case StockCommitted.TYPE -> {
                var m = messages.data(event, StockCommitted.class);
                yield new Applied(id(m.checkoutId()), m, (c, sender) -> c.stockCommitted(m.productId()));
            }
            case StockReleased.TYPE -> {
                var m = messages.data(event, StockReleased.class);
                yield new Applied(id(m.checkoutId()), m, (c, sender) -> c.stockReleased(m.productId()));
            }
            case StockCommitRefused.TYPE -> {
                var m = messages.data(event, StockCommitRefused.class);
                // The saga never commits a released line: nothing to undo, a broken invariant to report (ADR 16).
                yield new Applied(id(m.checkoutId()), m, (c, sender) -> c.stockCommitRefused(m.productId()));
            }
            case StockReturned.TYPE -> {
                var m = messages.data(event, StockReturned.class);
                yield new Applied(
                        id(m.checkoutId()),
                        m,
                        (c, sender) -> refunds.stockReturned(c, id(m.refundId()), m.productId(), sender));
            }
            case ChargePosted.TYPE -> {
                var m = messages.data(event, ChargePosted.class);
                yield new Applied(id(m.checkoutId()), m, (c, sender) -> c.chargePosted());
            }
            case ChargeRejected.TYPE -> {
                var m = messages.data(event, ChargeRejected.class);
                CheckoutSaga.Reply reply = switch (m.reason()) {
                    case CREDIT_LIMIT_EXCEEDED ->
                        (c, sender) -> c.chargeRejected(RejectionReason.CREDIT_LIMIT_EXCEEDED);
                    case UNKNOWN_CUSTOMER -> (c, sender) -> c.chargeRejected(RejectionReason.UNKNOWN_CUSTOMER);
                    // Our reversal overtook this charge: the checkout is already rejected and compensated.
                    case ALREADY_REVERSED -> (c, sender) -> {};
                };
                yield new Applied(id(m.checkoutId()), m, reply);
            }
            case ChargeReversed.TYPE -> {
                var m = messages.data(event, ChargeReversed.class);
                yield new Applied(id(m.checkoutId()), m, (c, sender) -> c.chargeReversed());
            }
            case RefundPosted.TYPE -> {
                var m = messages.data(event, RefundPosted.class);
                yield new Applied(
                        id(m.checkoutId()), m, (c, sender) -> refunds.creditPosted(c, id(m.refundId()), sender));
            }
            default -> throw new InvalidMessageException("unknown message type '" + event.type() + "'");
        };
    }

    private static UUID id(String checkoutId) {
        try {
            return UUID.fromString(checkoutId);
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException("'" + checkoutId + "' is not a checkout or refund id", e);
        }
    }
}
