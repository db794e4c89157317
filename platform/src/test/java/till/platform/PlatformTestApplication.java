package till.platform;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import till.contracts.InvalidMessageException;
import till.contracts.inventory.ReserveStock;
import till.contracts.ledger.RecordPayment;
import till.platform.cloudevents.CloudEvent;
import till.platform.inbox.Inbox;
import till.platform.kafka.InboundMessages;
import till.platform.kafka.PollApplier;
import till.platform.kafka.Topics;
import till.platform.outbox.Outbox;

/** A minimal service on the platform, for testing the outbox, the relay, the inbox and the error policy. */
@SpringBootApplication
@Import(TillPlatform.class)
public class PlatformTestApplication {

    /** Applies ReserveStock commands by recording them: the shape of every Till listener. */
    @Component
    public static class RecordingListener {

        public final List<ReserveStock> applied = new CopyOnWriteArrayList<>();
        private final InboundMessages messages;
        private final Inbox inbox;
        private final TransactionTemplate tx;

        RecordingListener(InboundMessages messages, Inbox inbox, TransactionTemplate tx) {
            this.messages = messages;
            this.inbox = inbox;
            this.tx = tx;
        }

        @KafkaListener(topics = Topics.INVENTORY_COMMANDS, groupId = "platform-test")
        void on(ConsumerRecord<String, String> record) {
            try {
                CloudEvent event = messages.read(record);
                if (!ReserveStock.TYPE.equals(event.type())) {
                    throw new InvalidMessageException("unknown message type '" + event.type() + "'");
                }
                ReserveStock command = messages.data(event, ReserveStock.class);
                tx.executeWithoutResult(status -> {
                    if (inbox.firstDelivery(event)) {
                        applied.add(command);
                    }
                });
            } finally {
                messages.done();
            }
        }
    }

    /**
     * Applies RecordPayment commands a poll at a time through {@link PollApplier}: each applied payment is a row
     * with the transaction that wrote it. A payment id starting with "flaky-" fails (as a lost connection would)
     * the first time it is applied.
     */
    @Component
    public static class PollRecordingListener {

        static final String LISTENER_ID = "poll-recording";

        public final Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        private final InboundMessages messages;
        private final PollApplier poll;
        private final JdbcClient jdbc;

        PollRecordingListener(InboundMessages messages, PollApplier poll, JdbcClient jdbc) {
            this.messages = messages;
            this.poll = poll;
            this.jdbc = jdbc;
        }

        @KafkaListener(
                id = LISTENER_ID,
                topics = Topics.LEDGER_COMMANDS,
                groupId = "platform-test-poll",
                batch = "true",
                autoStartup = "false")
        void on(List<ConsumerRecord<String, String>> records) {
            poll.apply(
                    records,
                    event -> {
                        if (!RecordPayment.TYPE.equals(event.type())) {
                            throw new InvalidMessageException("unknown message type '" + event.type() + "'");
                        }
                        return messages.dataOfSubject(
                                event, RecordPayment.class, RecordPayment::customerId, "customerId");
                    },
                    (event, payment) -> {
                        jdbc.sql("""
                                        INSERT INTO poll_applied (payment_id, customer_id, amount_minor, txid)
                                        VALUES (?, ?, ?, txid_current())
                                        """)
                                .params(payment.paymentId(), payment.customerId(), payment.amountMinor())
                                .update();
                        if (payment.paymentId().startsWith("flaky-") && failedOnce.add(payment.paymentId())) {
                            throw new IllegalStateException("the database went away (simulated for one record)");
                        }
                    });
        }
    }

    /**
     * Applies RecordPayment commands from {@code checkout.replies} a poll at a time, as every Till listener does,
     * and causes one message per payment on {@code checkout.events}: for tests of the trace a message carries from
     * the record that caused it. Each application is noted with the trace id the logs see and its transaction.
     */
    @Component
    public static class TracedListener {

        static final String LISTENER_ID = "traced";

        /** One applied payment: the MDC's trace id while it was applied, and its transaction. */
        public record Seen(
                String paymentId,
                @org.jspecify.annotations.Nullable String logTraceId,
                long txid) {}

        public final List<Seen> seen = new CopyOnWriteArrayList<>();
        private final InboundMessages messages;
        private final PollApplier poll;
        private final Outbox outbox;
        private final JdbcClient jdbc;

        TracedListener(InboundMessages messages, PollApplier poll, Outbox outbox, JdbcClient jdbc) {
            this.messages = messages;
            this.poll = poll;
            this.outbox = outbox;
            this.jdbc = jdbc;
        }

        @KafkaListener(
                id = LISTENER_ID,
                topics = Topics.CHECKOUT_REPLIES,
                groupId = "platform-test-traced",
                batch = "true",
                autoStartup = "false")
        void on(List<ConsumerRecord<String, String>> records) {
            poll.apply(
                    records,
                    event ->
                            messages.dataOfSubject(event, RecordPayment.class, RecordPayment::customerId, "customerId"),
                    (event, payment) -> {
                        long txid = jdbc.sql("SELECT txid_current()")
                                .query(Long.class)
                                .single();
                        seen.add(new Seen(payment.paymentId(), MDC.get("traceId"), txid));
                        outbox.append(Topics.CHECKOUT_EVENTS, payment.customerId(), "till.test.PaymentSeen", payment);
                    });
        }
    }
}
