package till.ledger.command;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import till.contracts.InvalidMessageException;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.ChargeRejected;
import till.contracts.ledger.ChargeReversed;
import till.contracts.ledger.PostCharge;
import till.contracts.ledger.PostRefund;
import till.contracts.ledger.RecordPayment;
import till.contracts.ledger.RefundPosted;
import till.contracts.ledger.ReverseCharge;
import till.ledger.posting.Entry;
import till.ledger.posting.Ledger;
import till.ledger.posting.PostingResult;
import till.ledger.posting.PostingResult.AlreadyPosted;
import till.ledger.posting.PostingResult.Appended;
import till.ledger.posting.PostingResult.Refused;
import till.ledger.posting.PostingResult.ReversedBeforeCharge;
import till.ledger.posting.ReferenceConflictException;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.InboundMessages;
import till.platform.kafka.PollApplier;
import till.platform.kafka.Topics;
import till.platform.outbox.Outbox;

/**
 * Applies {@code ledger.commands}, keyed by customer id, each exactly once: the inbox row, the entry and the
 * reply to checkout commit in one transaction. A duplicate (same id) is skipped by the inbox; a repeat under
 * a new id finds its entry by business key and gets the same reply again. Invalid messages go to the DLT.
 *
 * <p>A poll's charges, nearly all it carries, are decided together in a {@link Ledger.Charges} book and written a
 * statement per table with their replies (ADR 5, round 13). A reversal, a refund or a payment is applied on its own,
 * after the book has written the charges before it, so each customer's commands still take effect in their order.
 */
@Component
class LedgerCommandListener {

    private static final Logger log = LoggerFactory.getLogger(LedgerCommandListener.class);

    private final InboundMessages messages;
    private final PollApplier poll;
    private final Outbox outbox;
    private final Ledger ledger;

    LedgerCommandListener(InboundMessages messages, PollApplier poll, Outbox outbox, Ledger ledger) {
        this.messages = messages;
        this.poll = poll;
        this.outbox = outbox;
        this.ledger = ledger;
    }

    /** A poll's commands in one transaction ({@link PollApplier}), in order, each under its customer's lock. */
    @KafkaListener(id = "ledger-commands", topics = Topics.LEDGER_COMMANDS, batch = "true")
    void on(List<ConsumerRecord<String, String>> records) {
        poll.applyInBatches(records, this::bind, commands -> {
            Ledger.Charges charges = ledger.charges();
            return new PollApplier.Batch<>() {
                @Override
                public void apply(CloudEvent event, Object command) {
                    if (command instanceof PostCharge charge) {
                        charges.add(
                                charge.customerId(),
                                charge.checkoutId(),
                                charge.amountMinor(),
                                result -> Optional.of(replyTo(charge, result)));
                        return;
                    }
                    write(charges);
                    LedgerCommandListener.this.apply(command);
                }

                @Override
                public void finish() {
                    write(charges);
                }
            };
        });
    }

    private Object bind(CloudEvent event) {
        return switch (event.type()) {
            case PostCharge.TYPE ->
                messages.dataOfSubject(event, PostCharge.class, PostCharge::customerId, "customerId");
            case ReverseCharge.TYPE ->
                messages.dataOfSubject(event, ReverseCharge.class, ReverseCharge::customerId, "customerId");
            case PostRefund.TYPE ->
                messages.dataOfSubject(event, PostRefund.class, PostRefund::customerId, "customerId");
            case RecordPayment.TYPE ->
                messages.dataOfSubject(event, RecordPayment.class, RecordPayment::customerId, "customerId");
            default ->
                throw new InvalidMessageException(
                        "unknown message type '" + event.type() + "' on " + Topics.LEDGER_COMMANDS);
        };
    }

    /** Writes the charges added so far, with their replies. */
    private static void write(Ledger.Charges charges) {
        try {
            charges.write();
        } catch (ReferenceConflictException e) {
            // A checkout id charged to another customer: no retry can fix that.
            throw new InvalidMessageException(e.getMessage(), e);
        }
    }

    private void apply(Object command) {
        try {
            switch (command) {
                case ReverseCharge c -> on(c);
                case PostRefund c -> on(c);
                case RecordPayment c -> on(c);
                default -> throw new IllegalStateException("no handler for " + command.getClass());
            }
        } catch (ReferenceConflictException e) {
            // The same checkout, refund or payment id on another customer: no retry can fix that.
            throw new InvalidMessageException(e.getMessage(), e);
        }
    }

    /** The reply to a charge: posted (now or before), or rejected with its reason. */
    private static Outbox.Message replyTo(PostCharge command, PostingResult result) {
        return switch (result) {
            case Appended(Entry sale) -> chargePosted(command, sale);
            case AlreadyPosted(Entry sale) -> chargePosted(command, sale);
            case Refused(var reason) -> {
                log.info("charge for checkout {} rejected: {}", command.checkoutId(), reason);
                yield new Outbox.Message(
                        Topics.CHECKOUT_REPLIES,
                        command.checkoutId(),
                        ChargeRejected.TYPE,
                        new ChargeRejected(command.checkoutId(), command.customerId(), reason));
            }
            case ReversedBeforeCharge marker -> throw new IllegalStateException("a charge leaves no marker");
        };
    }

    private static Outbox.Message chargePosted(PostCharge command, Entry sale) {
        return new Outbox.Message(
                Topics.CHECKOUT_REPLIES,
                command.checkoutId(),
                ChargePosted.TYPE,
                new ChargePosted(
                        command.checkoutId(), command.customerId(), sale.amountMinor(), sale.balanceAfterMinor()));
    }

    void on(ReverseCharge command) {
        long reversedMinor = switch (ledger.reverse(command.customerId(), command.checkoutId())) {
            case Appended(Entry entry) -> -entry.amountMinor();
            case AlreadyPosted(Entry entry) -> -entry.amountMinor();
            case ReversedBeforeCharge marker -> 0L;
            case Refused refused -> throw new IllegalStateException("a reversal is never refused");
        };
        reply(
                command.checkoutId(),
                ChargeReversed.TYPE,
                new ChargeReversed(command.checkoutId(), command.customerId(), reversedMinor));
    }

    void on(PostRefund command) {
        switch (ledger.refund(command.customerId(), command.refundId(), command.amountMinor())) {
            case Appended(Entry entry) -> refundPosted(command, entry);
            case AlreadyPosted(Entry entry) -> refundPosted(command, entry);
            case Refused(var reason) ->
                throw new InvalidMessageException("refund " + command.refundId() + " cannot be posted: " + reason);
            case ReversedBeforeCharge marker -> throw new IllegalStateException("a refund leaves no marker");
        }
    }

    private void refundPosted(PostRefund command, Entry refund) {
        reply(
                command.checkoutId(),
                RefundPosted.TYPE,
                new RefundPosted(
                        command.refundId(), command.checkoutId(), command.customerId(), -refund.amountMinor()));
    }

    void on(RecordPayment command) {
        // No reply: a payment is not part of a checkout; the EntryPosted fact announces it.
        switch (ledger.pay(command.customerId(), command.paymentId(), command.amountMinor())) {
            case Appended appended -> {}
            case AlreadyPosted repeated -> {}
            case Refused(var reason) ->
                throw new InvalidMessageException("payment " + command.paymentId() + " cannot be recorded: " + reason);
            case ReversedBeforeCharge marker -> throw new IllegalStateException("a payment leaves no marker");
        }
    }

    private void reply(String checkoutId, String type, Object reply) {
        outbox.append(Topics.CHECKOUT_REPLIES, checkoutId, type, reply);
    }
}
