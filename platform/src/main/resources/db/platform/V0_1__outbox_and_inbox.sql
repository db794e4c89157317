-- Shared by every Till service; each service's own migrations start at V1.

-- The transactional outbox. Column names follow Debezium's outbox event router (id, aggregatetype,
-- aggregateid, type, payload) so that moving to change-data capture is a connector configuration:
-- aggregatetype holds the destination topic, so the router can route by it to the topic unchanged.
CREATE TABLE outbox (
    seq           bigserial   PRIMARY KEY,          -- commit order per key: rows for one key are written under that key's lock
    id            uuid        NOT NULL UNIQUE,      -- the CloudEvent id, which consumers deduplicate on
    aggregatetype text        NOT NULL,
    aggregateid   text        NOT NULL,             -- the Kafka key
    type          text        NOT NULL,             -- the CloudEvent type
    payload       json        NOT NULL,             -- json, not jsonb: the CloudEvent exactly as written, fields in order
    topic         text        NOT NULL,
    message_key   text        NOT NULL,
    headers       jsonb       NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz
);
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;

-- Wakes every relay listening on 'till_outbox' when rows commit (NOTIFY is delivered at commit, and repeats in
-- one transaction fold into one). A hint only: the relays also poll.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('till_outbox', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- The inbox: one row per applied message, written in the transaction that applied it.
CREATE TABLE inbox (
    message_id   text        PRIMARY KEY,
    message_type text        NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbox_received_at ON inbox (received_at);
