-- A checkout is a saga: its row and its lines hold where it stands; every change to them commits in the
-- same transaction as the outbox rows it implies.
CREATE TABLE checkouts (
    checkout_id         uuid        PRIMARY KEY,
    customer_id         text        NOT NULL,
    status              text        NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'REJECTED')),
    reason              text        CHECK ((status = 'REJECTED') = (reason IS NOT NULL)),
    charge_state        text        NOT NULL DEFAULT 'NONE'
                                    CHECK (charge_state IN ('NONE', 'REQUESTED', 'POSTED', 'REJECTED', 'REVERSAL_REQUESTED', 'REVERSED')),
    total_minor         bigint      CHECK (total_minor >= 0),
    idempotency_key     text        NOT NULL UNIQUE,
    request_fingerprint text        NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    deadline_at         timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
-- The deadline sweeper looks only at open checkouts.
CREATE INDEX checkouts_open_by_deadline ON checkouts (deadline_at) WHERE status = 'PENDING';

CREATE TABLE checkout_lines (
    checkout_id      uuid    NOT NULL REFERENCES checkouts (checkout_id),
    line_no          int     NOT NULL CHECK (line_no >= 0),
    product_id       text    NOT NULL,
    quantity         int     NOT NULL CHECK (quantity > 0),
    unit_price_minor bigint  CHECK (unit_price_minor >= 0),
    state            text    NOT NULL
                             CHECK (state IN ('REQUESTED', 'RESERVED', 'REJECTED', 'COMMIT_REQUESTED', 'COMMITTED',
                                              'RELEASE_REQUESTED', 'RELEASED')),
    PRIMARY KEY (checkout_id, product_id),
    UNIQUE (checkout_id, line_no)
);

-- Every command sent and reply received for a checkout, in order: the operator's timeline.
CREATE TABLE checkout_messages (
    seq         bigserial   PRIMARY KEY,
    checkout_id uuid        NOT NULL,
    direction   text        NOT NULL CHECK (direction IN ('SENT', 'RECEIVED')),
    message_id  text        NOT NULL,
    type        text        NOT NULL,
    data        jsonb       NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkout_messages_by_checkout ON checkout_messages (checkout_id, seq);
