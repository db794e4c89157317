package till.checkout.reply;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import till.checkout.CheckoutHarness;
import till.checkout.timeline.Timeline;
import till.contracts.checkout.CheckoutConfirmed;
import till.contracts.inventory.StockReserved;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.PostCharge;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.Topics;
import till.platform.kafka.Tracing;
import till.testsupport.StatementCounter;

/**
 * A poll's replies are applied in one transaction with their checkouts locked in one statement, what they cause
 * written in one outbox statement, and the checkouts changed and the timeline's record of it all in one more,
 * however many checkouts the poll holds (ADR 5, rounds 9 and 14). Each reply still makes its messages in its own
 * trace, and each checkout's timeline still reads in the order things happened.
 */
class APollOfRepliesIsWrittenOnceIT extends CheckoutHarness {

    private static final int CHECKOUTS = 4;

    @Autowired
    ReplyListener listener;

    @Autowired
    Timeline timeline;

    @Test
    void fourCheckoutsConfirmedByOnePollCostItFourStatements() {
        String product = "kettle-" + UUID.randomUUID();
        priced(product, 1_500);
        List<String> checkouts = new ArrayList<>();
        for (int i = 0; i < CHECKOUTS; i++) {
            String id = startCheckout("carol", Map.of(product, 1));
            awaitSent(id, PostCharge.TYPE, 1);
            checkouts.add(id);
        }
        List<ConsumerRecord<String, String>> poll = new ArrayList<>();
        List<String> traceIds = new ArrayList<>();
        for (String id : checkouts) {
            String traceId = UUID.randomUUID().toString().replace("-", "");
            traceIds.add(traceId);
            poll.add(record(id, StockReserved.TYPE, new StockReserved(id, product, 1, 1_500L), traceId));
            poll.add(record(id, ChargePosted.TYPE, new ChargePosted(id, "carol", 1_500L, 0L), traceId));
        }

        long statements = StatementCounter.count(() -> {
                    listener.on(poll);
                    return null;
                })
                .statements();

        // The inbox, the locking read, the outbox, and the update with the timeline (a statement of its own before
        // round 14); one statement each per reply before round 9.
        assertThat(statements).isEqualTo(4);
        for (int i = 0; i < CHECKOUTS; i++) {
            String id = checkouts.get(i);
            assertThat(checkout(id).get("status").asString()).isEqualTo("CONFIRMED");
            assertThat(timeline.of(UUID.fromString(id)).stream()
                            .map(e -> e.direction() + " " + e.type())
                            .toList())
                    .endsWith(
                            "RECEIVED " + StockReserved.TYPE,
                            "RECEIVED " + ChargePosted.TYPE,
                            "SENT " + CheckoutConfirmed.TYPE);
            // What a reply caused is in that reply's trace, though the poll wrote it all at once.
            assertThat(jdbc.sql("""
                            SELECT headers ->> 'traceparent' FROM outbox
                            WHERE topic = ? AND message_key = ? AND type = ?
                            """)
                            .params(Topics.CHECKOUT_EVENTS, id, CheckoutConfirmed.TYPE)
                            .query(String.class)
                            .single())
                    .contains(traceIds.get(i));
        }
    }

    private ConsumerRecord<String, String> record(String checkoutId, String type, Object data, String traceId) {
        CloudEvent event = CloudEvent.create(type, "/till/test", checkoutId, mapper.valueToTree(data));
        ConsumerRecord<String, String> record =
                new ConsumerRecord<>(Topics.CHECKOUT_REPLIES, 0, 0, checkoutId, mapper.writeValueAsString(event));
        String parent = "00-" + traceId + "-" + traceId.substring(0, 16) + "-01";
        record.headers().add(Tracing.TRACEPARENT, parent.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
