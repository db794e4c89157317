package till.platform.outbox;

import java.sql.Array;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.Tracing;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes messages into the outbox table inside the caller's transaction, so a state change and the messages it
 * implies commit or roll back together. The {@link OutboxRelay} publishes them after commit.
 */
@Component
public class Outbox {

    /**
     * One message to append: a CloudEvent of {@code type} for {@code topic}, keyed (and with subject) {@code key}.
     * {@code traceparent} (W3C) is the context of the span current when the message is made, so a message collected
     * for a later {@link #appendAll} keeps the trace of the command that caused it; the relay publishes it as the
     * record's header. It is null only where tracing is switched off.
     */
    public record Message(
            String topic,
            String key,
            String type,
            Object data,
            @Nullable String traceparent) {

        /** A message in the current span's trace (a new trace when no span is current). */
        public Message(String topic, String key, String type, Object data) {
            this(topic, key, type, data, Tracing.traceparentOfCurrent());
        }

        /** This message in the trace of {@code traceparent}: for one made after the span of what caused it ended. */
        public Message inTrace(@Nullable String traceparent) {
            return new Message(topic, key, type, data, traceparent);
        }
    }

    /** One row per array position, ordered by it so that the bigserial seq is drawn in list order. */
    private static final String INSERT = """
            INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, topic, message_key, headers)
            SELECT CAST(id AS uuid), topic, message_key, type, CAST(payload AS json), topic, message_key,
                   CAST(headers AS jsonb)
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                 WITH ORDINALITY AS m (id, topic, message_key, type, payload, headers, position)
            ORDER BY position
            """;

    /**
     * The same insert for a transaction that hands its rows to the relay itself (ADR 6): it returns each row's seq,
     * transaction and time, and, once, the seqs of the unsent rows of the same keys that this statement sees
     * committed by other transactions (the relay hands the new rows over only after those). The last parameter is
     * the keys.
     */
    private static final String INSERT_RETURNING = "WITH inserted AS (" + INSERT + """
                RETURNING seq, xid, created_at
            )
            SELECT inserted.seq, inserted.xid::text AS xid, inserted.created_at,
                   (SELECT array_agg(o.seq) FROM outbox o
                    WHERE o.sent_at IS NULL AND o.message_key = ANY (?::text[])
                      AND o.xid <> pg_current_xact_id()) AS earlier
            FROM inserted
            ORDER BY inserted.seq
            """;

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
        return appendAll(List.of(new Message(topic, key, type, data))).getFirst();
    }

    /**
     * Appends these messages in one statement, in list order (their {@code seq} follows it, so the relay publishes
     * them in that order); each is its own CloudEvent. Returns their ids in the same order.
     */
    public List<UUID> appendAll(List<Message> messages) {
        Prepared prepared = prepare(messages);
        append(prepared);
        return prepared.ids();
    }

    /**
     * Messages made into CloudEvents, with their ids, but not written yet: for a transaction that must name them in
     * another statement before it knows whether it sends them at all (checkout-service records a checkout's first
     * commands in the statement that inserts the checkout, which may find the checkout exists already).
     */
    public static final class Prepared {

        private final String[] ids;
        private final String[] topics;
        private final String[] keys;
        private final String[] types;
        private final String[] payloads;
        private final String[] headers;

        private Prepared(int size) {
            ids = new String[size];
            topics = new String[size];
            keys = new String[size];
            types = new String[size];
            payloads = new String[size];
            headers = new String[size];
        }

        /** The insert's parameters: a column each, in {@link #INSERT}'s order. */
        private Object[] columns() {
            return new Object[] {ids, topics, keys, types, payloads, headers};
        }

        /** The messages' CloudEvent ids, in list order. */
        public List<UUID> ids() {
            return Arrays.stream(ids).map(UUID::fromString).toList();
        }
    }

    /** Makes these messages into CloudEvents, to {@link #append} later in the same transaction (or never). */
    public Prepared prepare(List<Message> messages) {
        int size = messages.size();
        Prepared prepared = new Prepared(size);
        for (int i = 0; i < size; i++) {
            Message message = messages.get(i);
            CloudEvent event =
                    CloudEvent.create(message.type(), source, message.key(), CloudEvent.dataOf(message.data(), mapper));
            prepared.ids[i] = event.id();
            prepared.topics[i] = message.topic();
            prepared.keys[i] = message.key();
            prepared.types[i] = message.type();
            prepared.payloads[i] = mapper.writeValueAsString(event);
            String traceparent = message.traceparent();
            prepared.headers[i] =
                    traceparent == null ? "{}" : mapper.writeValueAsString(Map.of(Tracing.TRACEPARENT, traceparent));
        }
        return prepared;
    }

    /** Writes prepared messages in one statement, in their order, as {@link #appendAll} does. */
    public void append(Prepared prepared) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the outbox is written only inside the business transaction");
        }
        if (prepared.ids.length == 0) {
            return;
        }
        OutboxTransaction transaction = OutboxTransaction.of(relay);
        if (transaction.handsOverDirectly()) {
            insertForDirectHandOver(transaction, prepared);
        } else {
            jdbc.sql(INSERT).params(prepared.columns()).update();
            if (!relay.isLeading()) {
                // The active relay is in another instance: PostgreSQL carries the hint to it at commit. (A notifying
                // commit takes a cluster-wide lock, so the active relay's own instance leaves it out.)
                jdbc.sql("NOTIFY " + WakeUps.CHANNEL).update();
            }
        }
    }

    private void insertForDirectHandOver(OutboxTransaction transaction, Prepared prepared) {
        long[] xid = new long[1];
        Set<Long> earlier = new HashSet<>();
        Object[] columnsThenKeys = Arrays.copyOf(prepared.columns(), 7);
        columnsThenKeys[6] = prepared.keys;
        List<OutboxRow> rows = jdbc.sql(INSERT_RETURNING)
                .params(columnsThenKeys)
                .query((result, i) -> {
                    xid[0] = Long.parseLong(result.getString("xid"));
                    Array seqs = result.getArray("earlier");
                    if (seqs != null) {
                        earlier.addAll(Arrays.asList((Long[]) seqs.getArray()));
                    }
                    return new OutboxRow(
                            result.getLong("seq"),
                            prepared.topics[i],
                            prepared.keys[i],
                            prepared.payloads[i],
                            prepared.headers[i],
                            result.getTimestamp("created_at"));
                })
                .list();
        transaction.wrote(xid[0], rows, earlier);
    }
}
