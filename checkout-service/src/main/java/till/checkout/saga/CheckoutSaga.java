package till.checkout.saga;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import till.checkout.idempotency.RequestFingerprint;
import till.checkout.price.ProductPrices;
import till.checkout.timeline.Timeline;
import till.platform.kafka.Tracing;

/**
 * Runs each transition of a checkout in one transaction: lock the row, apply the rule, save, and write the
 * messages it implies to the outbox (and the timeline).
 */
@Service
@EnableConfigurationProperties(CheckoutProperties.class)
public class CheckoutSaga {

    private static final Logger log = LoggerFactory.getLogger(CheckoutSaga.class);

    /** One line as the cashier asked for it. */
    public record Item(String productId, int quantity) {}

    /** The result of a start: the checkout, and whether this request created it or repeated an earlier one. */
    public record Started(Checkout checkout, boolean created) {}

    /** The same idempotency key came with a different request. */
    public static class IdempotencyKeyReused extends RuntimeException {
        IdempotencyKeyReused(String key) {
            super("Idempotency-Key '" + key + "' was used for a different request");
        }
    }

    private final Checkouts checkouts;
    private final ProductPrices prices;
    private final CheckoutMessages messages;
    private final Timeline timeline;
    private final Clock clock;
    private final Duration deadline;
    private final Counter unapplicable;
    private final SagaMetrics metrics;
    private final Decisions decisions;

    CheckoutSaga(
            Checkouts checkouts,
            ProductPrices prices,
            CheckoutMessages messages,
            Timeline timeline,
            MeterRegistry meters,
            SagaMetrics metrics,
            CheckoutProperties properties,
            Decisions decisions) {
        this.metrics = metrics;
        this.decisions = decisions;
        this.checkouts = checkouts;
        this.prices = prices;
        this.messages = messages;
        this.timeline = timeline;
        this.clock = Clock.systemUTC();
        this.deadline = properties.deadline();
        this.unapplicable = meters.counter("till.checkout.replies.unapplicable");
    }

    /**
     * Starts a checkout with the id {@code checkoutId}, unless the idempotency key already belongs to one: then
     * that earlier checkout, with its own id, as it stands. The caller chooses the id so that it can wait for the
     * checkout's outcome from before the checkout exists.
     */
    @Transactional
    public Started start(UUID checkoutId, String idempotencyKey, String customerId, List<Item> items) {
        String fingerprint = RequestFingerprint.of(
                customerId,
                items.stream().map(i -> Map.entry(i.productId(), i.quantity())).toList());
        // Quoted in this transaction from the price copy: a product it has no price for sends the checkout the old
        // way, reserving before charging (ADR 10).
        Map<String, Long> quotes =
                prices.quote(items.stream().map(Item::productId).toList());
        List<CheckoutLine> lines = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            lines.add(new CheckoutLine(
                    i, item.productId(), item.quantity(), quotes.get(item.productId()), LineState.REQUESTED));
        }
        Checkout checkout =
                Checkout.start(checkoutId, customerId, clock.instant().plus(deadline), lines);
        // The checkout's first commands are recorded on its timeline by the statement that inserts it, if it does.
        CheckoutMessages.Ready sent = messages.ready(checkout);
        if (!checkouts.insert(
                checkout,
                idempotencyKey,
                fingerprint,
                Tracing.traceparentOfCurrent(),
                timeline.rows(sent.timeline()))) {
            var existing = checkouts.byIdempotencyKey(idempotencyKey).orElseThrow();
            if (!existing.getValue().equals(fingerprint)) {
                throw new IdempotencyKeyReused(idempotencyKey);
            }
            return new Started(checkouts.find(existing.getKey()).orElseThrow(), false);
        }
        messages.append(sent);
        log.info(
                "checkout {} started for customer {} with {} lines{}",
                checkout.id(),
                customerId,
                lines.size(),
                checkout.charge() == ChargeState.REQUESTED ? ", charged at the quoted prices" : "");
        return new Started(checkout, true);
    }

    /**
     * The replies one transaction applies (a poll's, or one), with their checkouts locked in one statement up front.
     * Each reply is applied in memory, in order; {@link Replies#finish} then writes what the replies caused in one
     * outbox statement, and every changed checkout with the timeline's record of the poll in one more. A reply for
     * an unknown checkout is logged and counted, never silently dropped; a reply the state does not expect
     * (duplicate, late) is recorded in the timeline and changes nothing.
     */
    public Replies replies(Collection<UUID> checkoutIds) {
        return new Replies(checkouts.lockAll(checkoutIds));
    }

    /** See {@link #replies}. */
    public final class Replies {

        private final Map<UUID, Checkout> locked;
        private final Map<UUID, Checkout> changed = new LinkedHashMap<>();
        private final List<Checkout> decided = new ArrayList<>();
        private final CheckoutMessages.Pending pending = messages.pending();

        private Replies(Map<UUID, Checkout> locked) {
            this.locked = locked;
        }

        /** Applies one reply to its checkout, locked when this batch was made. */
        public void apply(UUID checkoutId, String messageId, String type, Object data, Reply reply) {
            Checkout checkout = locked.get(checkoutId);
            if (checkout == null) {
                unapplicable.increment();
                log.warn("reply {} ({}) names unknown checkout {}; not applied", messageId, type, checkoutId);
                return;
            }
            CheckoutStatus before = checkout.status();
            pending.received(new Timeline.Record(checkoutId, Timeline.Direction.RECEIVED, messageId, type, data));
            reply.applyTo(checkout, pending);
            pending.send(checkoutId, checkout.drain());
            changed.put(checkoutId, checkout);
            if (checkout.status() != before) {
                decided.add(checkout);
                metrics.decided(checkout, deadline, clock.instant());
                log.info(
                        "checkout {} is {}{}",
                        checkoutId,
                        checkout.status(),
                        checkout.reason() == null ? "" : " (" + checkout.reason() + ")");
            }
        }

        /**
         * Writes what the replies caused to the outbox, then what they changed together with the timeline's record of
         * them; in the transaction, after its last reply.
         */
        public void finish() {
            write(changed.values(), pending.ready());
            tellOnCommit(decided);
        }
    }

    /**
     * What a reply does to a checkout; what it sends besides the checkout's own transitions (a refund's completion)
     * goes to {@code sender}, in order with them.
     */
    @FunctionalInterface
    public interface Reply {
        void applyTo(Checkout checkout, CheckoutMessages.Sender sender);
    }

    /**
     * Writes what a transaction sends to the outbox, then its changed checkouts with the timeline's record of what it
     * received and sent, in one statement (the record alone if no checkout changed).
     */
    private void write(Collection<Checkout> changed, CheckoutMessages.Ready ready) {
        messages.append(ready);
        if (changed.isEmpty()) {
            timeline.recordAll(ready.timeline());
        } else {
            checkouts.updateAll(changed, timeline.rows(ready.timeline()));
        }
    }

    /** Times out one overdue checkout claimed by the sweeper, in the sweeper's transaction. */
    void timeOut(UUID checkoutId) {
        checkouts.lock(checkoutId).ifPresent(checkout -> {
            Instant now = clock.instant();
            if (!checkout.overdue(now)) {
                return;
            }
            checkout.timeOut(now);
            write(List.of(checkout), messages.ready(checkout));
            metrics.decided(checkout, deadline, now);
            log.info("checkout {} is REJECTED (TIMED_OUT)", checkoutId);
            tellOnCommit(List.of(checkout));
        });
    }

    /**
     * Tells {@link Decisions} of these checkouts once the transaction that decided them commits; never if it rolls
     * back. The transaction is the last to change them: a poll applied again after a failure locks fresh copies.
     */
    private void tellOnCommit(List<Checkout> decidedHere) {
        if (decidedHere.isEmpty()) {
            return;
        }
        List<Checkout> told = List.copyOf(decidedHere);
        List<UUID> ids = told.stream().map(Checkout::id).toList();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
                decisions.deciding(ids);
            }

            @Override
            public void afterCommit() {
                decisions.decided(told);
            }

            @Override
            public void afterCompletion(int status) {
                if (status != STATUS_COMMITTED) {
                    decisions.notDecided(ids, status == STATUS_UNKNOWN);
                }
            }
        });
    }

    Instant now() {
        return clock.instant();
    }
}
