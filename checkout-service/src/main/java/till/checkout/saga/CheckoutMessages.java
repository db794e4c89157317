package till.checkout.saga;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import till.checkout.timeline.Timeline;
import till.platform.outbox.Outbox;

/**
 * Sends a checkout's messages: into the outbox, and onto the checkout's timeline, in the caller's transaction, with
 * one statement for each however many messages are sent. What a transaction sends in several steps (a poll's
 * replies) it gathers in one {@link Pending} and writes once, in the order it was sent.
 */
@Component
public class CheckoutMessages {

    private final Outbox outbox;
    private final Timeline timeline;

    CheckoutMessages(Outbox outbox, Timeline timeline) {
        this.outbox = outbox;
        this.timeline = timeline;
    }

    /** Writes these messages of one checkout now. */
    public void send(UUID checkoutId, List<Outgoing> messages) {
        Pending pending = pending();
        pending.send(checkoutId, messages);
        pending.write();
    }

    /** What a transition decided to send, made ready for {@link #append} and for the statement that records it. */
    Ready ready(Checkout checkout) {
        Pending pending = pending();
        pending.send(checkout.id(), checkout.drain());
        return pending.ready();
    }

    /** Appends ready messages to the outbox; their timeline records are the caller's to write. */
    void append(Ready ready) {
        outbox.append(ready.outbox());
    }

    /**
     * A transaction's messages made into CloudEvents but not written, and its timeline records (the messages sent,
     * with their ids, and the replies received, in order): for a transaction that writes the records in the
     * statement that writes its checkouts, one statement fewer (ADR 5, round 14).
     */
    record Ready(Outbox.Prepared outbox, List<Timeline.Record> timeline) {}

    /** Messages to gather across a transaction's steps, then {@link Pending#write} once before its commit. */
    public Pending pending() {
        return new Pending();
    }

    /** Where a step of a transaction sends its messages. */
    public interface Sender {
        void send(UUID checkoutId, List<Outgoing> messages);
    }

    /**
     * A transaction's messages and the replies it received, in order: each outbox message is made when it is sent,
     * so it carries the trace current then (the reply that caused it), not the one current when it is written.
     */
    public final class Pending implements Sender {

        /** A timeline entry: a reply received, or the message at {@code index} of {@link #messages}. */
        private sealed interface Entry permits Received, Sent {}

        private record Received(Timeline.Record reply) implements Entry {}

        private record Sent(UUID checkoutId, int index, Outgoing message) implements Entry {}

        private final List<Outbox.Message> messages = new ArrayList<>();
        private final List<Entry> entries = new ArrayList<>();

        private Pending() {}

        @Override
        public void send(UUID checkoutId, List<Outgoing> sent) {
            for (Outgoing m : sent) {
                entries.add(new Sent(checkoutId, messages.size(), m));
                messages.add(new Outbox.Message(m.topic(), m.key(), m.type(), m.data()));
            }
        }

        /** A reply the checkout received, recorded on its timeline before what it caused. */
        void received(Timeline.Record reply) {
            entries.add(new Received(reply));
        }

        /** Writes everything gathered: one outbox statement and one timeline statement. */
        public void write() {
            Ready ready = ready();
            outbox.append(ready.outbox());
            timeline.recordAll(ready.timeline());
        }

        /** Everything gathered, made ready to write, and forgotten here. */
        Ready ready() {
            Outbox.Prepared prepared = outbox.prepare(messages);
            List<UUID> ids = prepared.ids();
            List<Timeline.Record> records = new ArrayList<>(entries.size());
            for (Entry entry : entries) {
                records.add(
                        switch (entry) {
                            case Received received -> received.reply();
                            case Sent sent ->
                                new Timeline.Record(
                                        sent.checkoutId(),
                                        Timeline.Direction.SENT,
                                        ids.get(sent.index()).toString(),
                                        sent.message().type(),
                                        sent.message().data());
                        });
            }
            messages.clear();
            entries.clear();
            return new Ready(prepared, records);
        }
    }
}
