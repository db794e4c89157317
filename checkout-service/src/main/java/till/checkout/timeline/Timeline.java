package till.checkout.timeline;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Records every command a checkout sent and every reply it received, in the transaction that did so. */
@Component
public class Timeline {

    public enum Direction {
        SENT,
        RECEIVED
    }

    public record Entry(Instant at, Direction direction, String type, String messageId, JsonNode data) {}

    private final JdbcClient jdbc;
    private final JsonMapper mapper;

    Timeline(JdbcClient jdbc, JsonMapper mapper) {
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    public void record(UUID checkoutId, Direction direction, String messageId, String type, Object data) {
        jdbc.sql("""
                        INSERT INTO checkout_messages (checkout_id, direction, message_id, type, data)
                        VALUES (?, ?, ?, ?, CAST(? AS jsonb))
                        """)
                .params(checkoutId, direction.name(), messageId, type, mapper.writeValueAsString(data))
                .update();
    }

    public List<Entry> of(UUID checkoutId) {
        return jdbc.sql("""
                        SELECT at, direction, type, message_id, data::text AS data
                        FROM checkout_messages WHERE checkout_id = ? ORDER BY seq
                        """)
                .param(checkoutId)
                .query((rs, n) -> new Entry(
                        rs.getTimestamp("at").toInstant(),
                        Direction.valueOf(rs.getString("direction")),
                        rs.getString("type"),
                        rs.getString("message_id"),
                        mapper.readTree(rs.getString("data"))))
                .list();
    }
}
