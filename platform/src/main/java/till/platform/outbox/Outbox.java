package till.platform.outbox;

import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.Tracing;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes messages into the outbox table inside the caller's transaction, so a state change and the messages it
 * implies commit or roll back together. The {@link OutboxRelay} publishes them after commit.
 */
@Component
public class Outbox {

    private final JdbcClient jdbc;
    private final JsonMapper mapper;
    private final OutboxRelay relay;
    private final String source;

    Outbox(JdbcClient jdbc, JsonMapper mapper, OutboxRelay relay, @Value("${spring.application.name}") String service) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.relay = relay;
        this.source = "/till/" + service;
    }

    /** Appends one CloudEvent for {@code topic}, keyed (and with subject) {@code key}; returns its id. */
    public UUID append(String topic, String key, String type, Object data) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the outbox is written only inside the business transaction");
        }
        JsonNode payload = mapper.valueToTree(data);
        CloudEvent event = CloudEvent.create(type, source, key, payload);
        UUID id = UUID.fromString(event.id());
        jdbc.sql("""
                        INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, topic, message_key, headers)
                        VALUES (:id, :topic, :key, :type, CAST(:payload AS json), :topic, :key, CAST(:headers AS jsonb))
                        """)
                .param("id", id)
                .param("topic", topic)
                .param("key", key)
                .param("type", type)
                .param("payload", mapper.writeValueAsString(event))
                .param("headers", mapper.writeValueAsString(Map.of(Tracing.TRACEPARENT, Tracing.childOfCurrent())))
                .update();
        // A hint for this JVM's relay; the table's trigger notifies every instance's relay at commit.
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                relay.wakeUp();
            }
        });
        return id;
    }
}
