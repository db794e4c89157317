package till.platform;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import till.contracts.inventory.ReserveStock;
import till.platform.cloudevents.CloudEvent;
import till.platform.cloudevents.InvalidMessageException;
import till.platform.inbox.Inbox;
import till.platform.kafka.InboundMessages;
import till.platform.kafka.Topics;

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
}
