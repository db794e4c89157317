package till.checkout.saga;

import java.util.UUID;
import org.springframework.stereotype.Component;
import till.checkout.timeline.Timeline;
import till.platform.outbox.Outbox;

/** Sends a checkout's message: into the outbox, and onto the checkout's timeline, in the caller's transaction. */
@Component
public class CheckoutMessages {

    private final Outbox outbox;
    private final Timeline timeline;

    CheckoutMessages(Outbox outbox, Timeline timeline) {
        this.outbox = outbox;
        this.timeline = timeline;
    }

    public void send(UUID checkoutId, String topic, String key, String type, Object data) {
        UUID id = outbox.append(topic, key, type, data);
        timeline.record(checkoutId, Timeline.Direction.SENT, id.toString(), type, data);
    }

    void send(Checkout checkout) {
        for (Outgoing message : checkout.drain()) {
            send(checkout.id(), message.topic(), message.key(), message.type(), message.data());
        }
    }
}
