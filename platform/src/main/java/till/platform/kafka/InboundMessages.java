package till.platform.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;
import till.contracts.InvalidMessageException;
import till.platform.cloudevents.CloudEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The first thing every listener does with a record: parse the CloudEvent, check that it is keyed by its
 * subject (per-key ordering is what serialises writes); then, while it is applied, its own span (in the trace of
 * its {@code traceparent}) and log context, which the messages it causes and the logs it writes carry.
 */
@Component
public class InboundMessages {

    public static final String MDC_SUBJECT = "subject";
    public static final String MDC_MESSAGE_ID = "messageId";
    /** The checkout a record's data names, so that one checkout's logs can be found in every service. */
    public static final String MDC_CHECKOUT_ID = "checkoutId";

    /** Timer: from a record's timestamp (its producer's send) to the listener reading it, by topic. */
    public static final String RECORD_AGE = "till.kafka.record.age";

    private final JsonMapper mapper;
    private final MeterRegistry meters;
    private final Tracing tracing;
    private final Map<String, Timer> recordAges = new ConcurrentHashMap<>();

    InboundMessages(JsonMapper mapper, MeterRegistry meters, Tracing tracing) {
        this.mapper = mapper;
        this.meters = meters;
        this.tracing = tracing;
    }

    /** Reads a record's CloudEvent, with its subject in the log context until {@link #done}. */
    public CloudEvent read(ConsumerRecord<String, String> record) {
        recordAge(record);
        CloudEvent event = CloudEvent.parse(record.value(), mapper);
        logContext(event);
        if (!Objects.equals(record.key(), event.subject())) {
            throw new InvalidMessageException("record key '" + record.key() + "' differs from the subject '"
                    + event.subject() + "': commands must be keyed by their subject");
        }
        return event;
    }

    /**
     * Opens the span and log context of a record {@link #read} earlier, for as long as it is applied: a span named
     * for its message type, a child of its {@code traceparent} (a new trace without one), current until the
     * returned context is closed; and its subject, message id and checkout id (when its data names one) in the
     * MDC. Close it in a try-with-resources, so that no span or MDC entry outlives the record, errors included.
     */
    public Applying adopt(ConsumerRecord<String, String> record, CloudEvent event) {
        Tracing.Opened span = tracing.consume(record, event.type());
        logContext(event);
        JsonNode checkoutId = event.data().get(MDC_CHECKOUT_ID);
        if (checkoutId != null && checkoutId.isString()) {
            MDC.put(MDC_CHECKOUT_ID, checkoutId.asString());
        }
        return new Applying(span);
    }

    /** A record being applied: its span is current and its log context set until {@link #close}. */
    public static final class Applying implements AutoCloseable {

        private final Tracing.Opened span;

        private Applying(Tracing.Opened span) {
            this.span = span;
        }

        @Override
        public void close() {
            try {
                clearLogContext();
            } finally {
                span.close();
            }
        }
    }

    /**
     * How long the record took from its producer to this listener: the broker, the fetch and the listener
     * container. Beside the consumer's transaction times it says where a hop's time goes (ADR 5).
     */
    private void recordAge(ConsumerRecord<String, String> record) {
        long age = System.currentTimeMillis() - record.timestamp();
        if (record.timestampType() == TimestampType.CREATE_TIME && age >= 0) {
            recordAges
                    .computeIfAbsent(
                            record.topic(),
                            topic -> Timer.builder(RECORD_AGE)
                                    .description("from a record's send to the listener reading it")
                                    .tag("topic", topic)
                                    .publishPercentiles(0.5, 0.9, 0.99)
                                    // Percentiles of about the last 20 seconds: what the consumers do now.
                                    .distributionStatisticExpiry(Duration.ofSeconds(20))
                                    .distributionStatisticBufferLength(2)
                                    .register(meters))
                    .record(age, TimeUnit.MILLISECONDS);
        }
    }

    private static void logContext(CloudEvent event) {
        MDC.put(MDC_SUBJECT, event.subject());
        MDC.put(MDC_MESSAGE_ID, event.id());
    }

    public <T> T data(CloudEvent event, Class<T> type) {
        return event.dataAs(type, mapper);
    }

    /**
     * The event's data, whose {@code field} (read by {@code id}) must equal the event's subject: the key that
     * serialises the writes must be the aggregate the command writes to.
     */
    public <T> T dataOfSubject(CloudEvent event, Class<T> type, Function<T, String> id, String field) {
        T data = data(event, type);
        if (!id.apply(data).equals(event.subject())) {
            throw new InvalidMessageException(
                    "data." + field + " '" + id.apply(data) + "' differs from the subject '" + event.subject() + "'");
        }
        return data;
    }

    /** Clears the log context {@link #read} set; call in a finally block. */
    public void done() {
        clearLogContext();
    }

    private static void clearLogContext() {
        MDC.remove(MDC_SUBJECT);
        MDC.remove(MDC_MESSAGE_ID);
        MDC.remove(MDC_CHECKOUT_ID);
    }
}
