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

    /** One message a checkout sent or received, to be recorded. */
    public record Record(UUID checkoutId, Direction direction, String messageId, String type, Object data) {}

    public void record(UUID checkoutId, Direction direction, String messageId, String type, Object data) {
        recordAll(List.of(new Record(checkoutId, direction, messageId, type, data)));
    }

    /**
     * Inserts the rows given as the five array parameters of {@link #rows} (ids, directions, message ids, types,
     * data), in their order (their {@code seq} follows it), those where {@code condition} holds; a statement of its
     * own, or a common table expression in the statement that writes the checkout the messages belong to (the
     * saga's hot paths: {@code Checkouts}).
     */
    public static String insert(String condition) {
        return """
                INSERT INTO checkout_messages (checkout_id, direction, message_id, type, data)
                SELECT checkout_id, direction, message_id, type, CAST(data AS jsonb)
                FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[])
                     WITH ORDINALITY AS m (checkout_id, direction, message_id, type, data, position)
                WHERE %s
                ORDER BY position
                """.formatted(condition);
    }

    /** Records as the parameters of {@link #insert}, one array per column, in order. */
    public record Rows(UUID[] checkoutIds, String[] directions, String[] messageIds, String[] types, String[] data) {

        public Object[] params() {
            return new Object[] {checkoutIds, directions, messageIds, types, data};
        }
    }

    /** These records as the parameters of {@link #insert}. */
    public Rows rows(List<Record> records) {
        int size = records.size();
        UUID[] checkoutIds = new UUID[size];
        String[] directions = new String[size];
        String[] messageIds = new String[size];
        String[] types = new String[size];
        String[] data = new String[size];
        for (int i = 0; i < size; i++) {
            Record r = records.get(i);
            checkoutIds[i] = r.checkoutId();
            directions[i] = r.direction().name();
            messageIds[i] = r.messageId();
            types[i] = r.type();
            data[i] = mapper.writeValueAsString(r.data());
        }
        return new Rows(checkoutIds, directions, messageIds, types, data);
    }

    /** Records these messages in one statement, in list order. */
    public void recordAll(List<Record> records) {
        if (records.isEmpty()) {
            return;
        }
        jdbc.sql(insert("true")).params(rows(records).params()).update();
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
