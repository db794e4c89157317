package till.checkout.saga;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import till.checkout.timeline.Timeline;
import till.platform.outbox.Outbox;

/**
 * Sends a checkout's messages: into the outbox, and onto the checkout's timeline, in the caller's transaction, with
 * one statement for each however many messages a transition sends.
 */
@Component
public class CheckoutMessages {

    private final Outbox outbox;
    private final Timeline timeline;

    CheckoutMessages(Outbox outbox, Timeline timeline) {
        this.outbox = outbox;
        this.timeline = timeline;
    }

    public void send(UUID checkoutId, List<Outgoing> messages) {
        send(checkoutId, messages, List.of());
    }

    /** What a transition decided to send, recorded after what it received ({@code received}). */
    void send(Checkout checkout, List<Timeline.Record> received) {
        send(checkout.id(), checkout.drain(), received);
    }

    private void send(UUID checkoutId, List<Outgoing> messages, List<Timeline.Record> received) {
        List<UUID> ids = outbox.appendAll(messages.stream()
                .map(m -> new Outbox.Message(m.topic(), m.key(), m.type(), m.data()))
                .toList());
        List<Timeline.Record> records = new ArrayList<>(received);
        for (int i = 0; i < messages.size(); i++) {
            Outgoing m = messages.get(i);
            records.add(new Timeline.Record(
                    checkoutId, Timeline.Direction.SENT, ids.get(i).toString(), m.type(), m.data()));
        }
        timeline.recordAll(records);
    }
}
