package till.platform.outbox;

import java.sql.Timestamp;

/** One outbox row as the relay hands it to the producer. */
record OutboxRow(long seq, String topic, String key, String payload, String headers, Timestamp createdAt) {}
