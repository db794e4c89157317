package till.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import till.contracts.ledger.RecordPayment;
import till.platform.PlatformTestApplication.TracedListener;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.Topics;
import tools.jackson.databind.json.JsonMapper;

/**
 * A consumed record's W3C {@code traceparent} carries on to the messages it causes: each record of a poll is applied
 * in a span of its own trace, whose context the outbox stores and the relay publishes; a record without one starts a
 * new trace. The records are all on the partition before the listener starts, so its first poll holds them.
 */
class TracingIT extends PlatformHarness {

    private static final String TRACE_A = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACE_B = "0af7651916cd43dd8448eb211c80319c";
    /** W3C, sampled: flags 01, or 03 where the trace id is also flagged random (Trace Context level 2). */
    private static final String SAMPLED_TRACEPARENT = "00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]";

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    JsonMapper mapper;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    TracedListener listener;

    @Autowired
    ApplicationContext context;

    @AfterEach
    void stopListener() {
        listeners.getListenerContainer(TracedListener.LISTENER_ID).stop();
    }

    @Test
    void eachRecordOfAPollCarriesItsOwnTraceIntoTheMessagesItCauses() {
        String customer = "traced-" + UUID.randomUUID();
        String spanA = "00f067aa0ba902b7";
        String spanB = "b7ad6b7169203331";
        send(customer, "a", "00-" + TRACE_A + "-" + spanA + "-01");
        send(customer, "b", "00-" + TRACE_B + "-" + spanB + "-01");
        send(customer, "none", null);
        kafka.flush();

        listeners.getListenerContainer(TracedListener.LISTENER_ID).start();

        List<ConsumerRecord<String, String>> caused =
                read(Topics.CHECKOUT_EVENTS, r -> customer.equals(r.key()), found -> found.size() >= 3);
        Map<String, String> traceparents = caused.stream()
                .collect(Collectors.toMap(
                        r -> mapper.readTree(r.value())
                                .get("data")
                                .get("paymentId")
                                .asString(),
                        r -> header(r, "traceparent")));
        assertThat(traceparents).containsOnlyKeys(customer + "a", customer + "b", customer + "none");
        assertThat(traceparents.values()).allSatisfy(t -> assertThat(t).matches(SAMPLED_TRACEPARENT));

        // Same trace as the record that caused it, and a span of its own: the record's span, not the caller's.
        assertThat(traceId(traceparents.get(customer + "a"))).isEqualTo(TRACE_A);
        assertThat(spanId(traceparents.get(customer + "a"))).isNotEqualTo(spanA);
        assertThat(traceId(traceparents.get(customer + "b"))).isEqualTo(TRACE_B);
        assertThat(spanId(traceparents.get(customer + "b"))).isNotEqualTo(spanB);
        // No traceparent: a trace of its own, not the one of the record applied before it in the same transaction.
        assertThat(traceId(traceparents.get(customer + "none")))
                .isNotIn(TRACE_A, TRACE_B)
                .isNotEqualTo("0".repeat(32));

        await().atMost(Duration.ofSeconds(30)).until(() -> seenOf(customer).size() == 3);
        Map<String, TracedListener.Seen> seen = seenOf(customer);
        // One poll, one transaction, three traces; and the logs written while each was applied carry its trace.
        assertThat(seen.values().stream().map(TracedListener.Seen::txid).distinct())
                .hasSize(1);
        assertThat(seen.get(customer + "a").logTraceId()).isEqualTo(TRACE_A);
        assertThat(seen.get(customer + "b").logTraceId()).isEqualTo(TRACE_B);
        assertThat(seen.get(customer + "none").logTraceId()).isEqualTo(traceId(traceparents.get(customer + "none")));
    }

    @Test
    void nothingIsExportedUnlessAnEndpointIsSet() {
        // No OTLP endpoint in the defaults: no exporter exists, so nothing ever connects to a collector. The infra
        // stack tests switch export on (OTEL_EXPORTER_OTLP_ENDPOINT) and see each service's spans arrive.
        assertThat(context.getBeansOfType(SpanExporter.class)).isEmpty();
    }

    @Test
    void aMessageMadeWithNoSpanCurrentStartsATraceOfItsOwn() {
        String first = outboxMessageTraceparent();
        String second = outboxMessageTraceparent();

        assertThat(first).matches(SAMPLED_TRACEPARENT);
        assertThat(traceId(first)).isNotEqualTo(traceId(second));
    }

    private String outboxMessageTraceparent() {
        String traceparent =
                new till.platform.outbox.Outbox.Message(Topics.LEDGER_EVENTS, "k", "t", Map.of()).traceparent();
        assertThat(traceparent).isNotNull();
        return traceparent;
    }

    private Map<String, TracedListener.Seen> seenOf(String customer) {
        return listener.seen.stream()
                .filter(s -> s.paymentId().startsWith(customer))
                .collect(Collectors.toMap(TracedListener.Seen::paymentId, Function.identity()));
    }

    private void send(String customer, String payment, String traceparent) {
        String value = mapper.writeValueAsString(CloudEvent.create(
                RecordPayment.TYPE,
                "/test",
                customer,
                mapper.valueToTree(new RecordPayment(customer + payment, customer, 100L))));
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.CHECKOUT_REPLIES, customer, value);
        if (traceparent != null) {
            record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        }
        kafka.send(record);
    }

    private static String traceId(String traceparent) {
        return traceparent.substring(3, 35);
    }

    private static String spanId(String traceparent) {
        return traceparent.substring(36, 52);
    }
}
