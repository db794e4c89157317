package till.checkout.refund;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import till.checkout.idempotency.RequestFingerprint;
import till.checkout.saga.Checkout;
import till.checkout.saga.CheckoutLine;
import till.checkout.saga.CheckoutMessages;
import till.checkout.saga.CheckoutStatus;
import till.checkout.saga.Checkouts;
import till.checkout.saga.Outgoing;
import till.contracts.checkout.CheckoutRefunded;
import till.contracts.inventory.ReturnStock;
import till.contracts.ledger.PostRefund;
import till.platform.kafka.Topics;

/**
 * Refunds a confirmed checkout, partly or wholly, as often as asked, but never more than was sold: the checkout
 * row is locked while the already refunded quantities are read, so two refunds racing cannot both pass the check.
 */
@Service
public class RefundService {

    private static final Logger log = LoggerFactory.getLogger(RefundService.class);

    /** A refund this request created, or the one an earlier request with the same key created. */
    public record Requested(Refunds.Refund refund, boolean created) {}

    /** The refund cannot be made in the checkout's current state (409). */
    public static class RefundConflict extends RuntimeException {
        RefundConflict(String message) {
            super(message);
        }
    }

    /** The same idempotency key came with a different refund request (422). */
    public static class RefundKeyReused extends RuntimeException {
        RefundKeyReused(String key) {
            super("Idempotency-Key '" + key + "' was used for a different refund of this checkout");
        }
    }

    private final Checkouts checkouts;
    private final Refunds refunds;
    private final CheckoutMessages messages;

    RefundService(Checkouts checkouts, Refunds refunds, CheckoutMessages messages) {
        this.checkouts = checkouts;
        this.refunds = refunds;
        this.messages = messages;
    }

    /** Returns empty when the checkout does not exist. */
    @Transactional
    public java.util.Optional<Requested> request(UUID checkoutId, String idempotencyKey, Map<String, Integer> items) {
        var found = checkouts.lock(checkoutId);
        if (found.isEmpty()) {
            return java.util.Optional.empty();
        }
        Checkout checkout = found.get();
        String fingerprint = RequestFingerprint.of(checkoutId.toString(), List.copyOf(items.entrySet()));
        var earlier = refunds.byIdempotencyKey(checkoutId, idempotencyKey);
        if (earlier.isPresent()) {
            if (!earlier.get().getValue().equals(fingerprint)) {
                throw new RefundKeyReused(idempotencyKey);
            }
            return refunds.find(checkoutId, earlier.get().getKey()).map(r -> new Requested(r, false));
        }
        if (checkout.status() != CheckoutStatus.CONFIRMED) {
            throw new RefundConflict("checkout " + checkoutId + " is " + checkout.status()
                    + "; only a CONFIRMED checkout can be refunded");
        }
        Map<String, Integer> alreadyRefunded = new HashMap<>();
        refunds.of(checkoutId)
                .forEach(r -> r.lines().forEach(l -> alreadyRefunded.merge(l.productId(), l.quantity(), Integer::sum)));
        Map<String, CheckoutLine> sold = new LinkedHashMap<>();
        checkout.lines().forEach(l -> sold.put(l.productId(), l));
        long amount = 0;
        for (var item : items.entrySet()) {
            CheckoutLine line = sold.get(item.getKey());
            int before = alreadyRefunded.getOrDefault(item.getKey(), 0);
            if (line == null || before + item.getValue() > line.quantity()) {
                throw new RefundConflict("refunding %d of %s would exceed the %d sold (%d already refunded)"
                        .formatted(item.getValue(), item.getKey(), line == null ? 0 : line.quantity(), before));
            }
            amount += Math.multiplyExact((long) item.getValue(), line.reservedPriceMinor());
        }
        UUID refundId = UUID.randomUUID();
        refunds.insert(refundId, checkoutId, idempotencyKey, fingerprint, amount, items);
        List<Outgoing> commands = new ArrayList<>();
        for (var item : items.entrySet()) {
            commands.add(new Outgoing(
                    Topics.INVENTORY_COMMANDS,
                    item.getKey(),
                    ReturnStock.TYPE,
                    new ReturnStock(refundId.toString(), checkoutId.toString(), item.getKey(), item.getValue())));
        }
        commands.add(new Outgoing(
                Topics.LEDGER_COMMANDS,
                checkout.customerId(),
                PostRefund.TYPE,
                new PostRefund(refundId.toString(), checkoutId.toString(), checkout.customerId(), amount)));
        messages.send(checkoutId, commands);
        log.info("refund {} of checkout {} requested: {} minor units", refundId, checkoutId, amount);
        return refunds.find(checkoutId, refundId).map(r -> new Requested(r, true));
    }

    /**
     * Applies StockReturned with the checkout locked (from the reply listener's transaction); the refund's
     * completion, if this was its last part, goes to {@code sender}.
     */
    public void stockReturned(Checkout checkout, UUID refundId, String productId, CheckoutMessages.Sender sender) {
        if (refunds.markReturned(refundId, productId)) {
            completeIfDone(checkout, refundId, sender);
        }
    }

    /** Applies RefundPosted with the checkout locked, as {@link #stockReturned}. */
    public void creditPosted(Checkout checkout, UUID refundId, CheckoutMessages.Sender sender) {
        if (refunds.markCreditPosted(refundId)) {
            completeIfDone(checkout, refundId, sender);
        }
    }

    private void completeIfDone(Checkout checkout, UUID refundId, CheckoutMessages.Sender sender) {
        refunds.find(checkout.id(), refundId)
                .filter(Refunds.Refund::completed)
                .ifPresent(refund -> sender.send(
                        checkout.id(),
                        List.of(new Outgoing(
                                Topics.CHECKOUT_EVENTS,
                                checkout.id().toString(),
                                CheckoutRefunded.TYPE,
                                new CheckoutRefunded(
                                        checkout.id().toString(),
                                        refundId.toString(),
                                        checkout.customerId(),
                                        refund.amountMinor())))));
    }
}
