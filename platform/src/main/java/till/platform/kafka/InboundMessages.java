package till.platform.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;
import till.platform.cloudevents.CloudEvent;
import till.platform.cloudevents.InvalidMessageException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The first thing every listener does with a record: parse the CloudEvent, check that it is keyed by its
 * subject (per-key ordering is what serialises writes), and adopt its trace context for logs and replies.
 */
@Component
public class InboundMessages {

    public static final String MDC_SUBJECT = "subject";
    public static final String MDC_MESSAGE_ID = "messageId";

    private final JsonMapper mapper;

    InboundMessages(JsonMapper mapper) {
        this.mapper = mapper;
    }

    public CloudEvent read(ConsumerRecord<String, String> record) {
        Header traceparent = record.headers().lastHeader(Tracing.TRACEPARENT);
        Tracing.continueFrom(traceparent == null ? null : new String(traceparent.value(), StandardCharsets.UTF_8));
        CloudEvent event = CloudEvent.parse(record.value(), mapper);
        MDC.put(MDC_SUBJECT, event.subject());
        MDC.put(MDC_MESSAGE_ID, event.id());
        if (!Objects.equals(record.key(), event.subject())) {
            throw new InvalidMessageException("record key '" + record.key() + "' differs from the subject '"
                    + event.subject() + "': commands must be keyed by their subject");
        }
        return event;
    }

    public <T> T data(CloudEvent event, Class<T> type) {
        return event.dataAs(type, mapper);
    }

    /** Clears the per-message log context; call in a finally block. */
    public void done() {
        MDC.remove(MDC_SUBJECT);
        MDC.remove(MDC_MESSAGE_ID);
        Tracing.clear();
    }
}
