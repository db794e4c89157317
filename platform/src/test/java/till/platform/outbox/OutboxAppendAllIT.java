package till.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import till.platform.PlatformHarness;
import till.platform.kafka.Topics;
import till.platform.kafka.Tracing;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A batch of messages is one statement, and still a row and a CloudEvent per message, in the batch's order. */
class OutboxAppendAllIT extends PlatformHarness {

    record Numbered(String run, String key, int seq) {}

    private record Stored(UUID id, String topic, String key, String type, JsonNode event, JsonNode headers) {}

    @Autowired
    Outbox outbox;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper mapper;

    @Test
    void aBatchIsStoredInListOrderWithAnIdAndACloudEventPerMessage() {
        String run = UUID.randomUUID().toString();
        String first = run + "-a";
        String second = run + "-b";
        String traceparent = "00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-01";
        List<Outbox.Message> batch = List.of(
                new Outbox.Message(Topics.LEDGER_EVENTS, first, "till.test.Numbered", new Numbered(run, first, 0)),
                new Outbox.Message(Topics.LEDGER_EVENTS, second, "till.test.Numbered", new Numbered(run, second, 0)),
                new Outbox.Message(
                        Topics.LEDGER_EVENTS, first, "till.test.Numbered", new Numbered(run, first, 1), traceparent),
                new Outbox.Message(Topics.INVENTORY_EVENTS, first, "till.test.Other", new Numbered(run, first, 2)));

        List<UUID> ids = tx.execute(s -> outbox.appendAll(batch));

        assertThat(ids).hasSize(batch.size()).doesNotHaveDuplicates();
        List<Stored> stored = jdbc.sql("""
                        SELECT id, topic, message_key, type, payload::text AS payload, headers::text AS headers
                        FROM outbox WHERE id = ANY(?::uuid[]) ORDER BY seq
                        """)
                .param(ids.stream().map(UUID::toString).toArray(String[]::new))
                .query((rs, n) -> new Stored(
                        rs.getObject("id", UUID.class),
                        rs.getString("topic"),
                        rs.getString("message_key"),
                        rs.getString("type"),
                        mapper.readTree(rs.getString("payload")),
                        mapper.readTree(rs.getString("headers"))))
                .list();
        assertThat(stored).extracting(Stored::id).as("seq follows the list").containsExactlyElementsOf(ids);
        for (int i = 0; i < batch.size(); i++) {
            Outbox.Message message = batch.get(i);
            Stored row = stored.get(i);
            assertThat(row.topic()).isEqualTo(message.topic());
            assertThat(row.key()).isEqualTo(message.key());
            assertThat(row.type()).isEqualTo(message.type());
            assertThat(row.event().get("id").asString()).isEqualTo(row.id().toString());
            assertThat(row.event().get("type").asString()).isEqualTo(message.type());
            assertThat(row.event().get("subject").asString()).isEqualTo(message.key());
            assertThat(row.event().get("data").get("seq").asInt()).isEqualTo(((Numbered) message.data()).seq());
            assertThat(row.headers().get(Tracing.TRACEPARENT).asString()).isEqualTo(message.traceparent());
        }
        assertThat(stored.get(2).headers().get(Tracing.TRACEPARENT).asString()).isEqualTo(traceparent);

        List<ConsumerRecord<String, String>> published =
                read(Topics.LEDGER_EVENTS, r -> r.key().equals(first), found -> found.size() >= 2);
        assertThat(published)
                .extracting(r -> mapper.readTree(r.value()).get("id").asString())
                .as("published in the batch's order")
                .containsExactly(ids.get(0).toString(), ids.get(2).toString());
    }

    @Test
    void anEmptyBatchWritesNothing() {
        List<UUID> ids = tx.execute(s -> outbox.appendAll(List.of()));
        assertThat(ids).isEmpty();
    }

    @Test
    void outsideATransactionABatchIsRefused() {
        assertThatThrownBy(() -> outbox.appendAll(
                        List.of(new Outbox.Message(Topics.LEDGER_EVENTS, "k", "t", new Numbered("r", "k", 0)))))
                .isInstanceOf(IllegalStateException.class);
    }
}
