-- A refund returns some of a confirmed checkout's units and credits the customer at the prices sold.
CREATE TABLE refunds (
    refund_id           uuid        PRIMARY KEY,
    checkout_id         uuid        NOT NULL REFERENCES checkouts (checkout_id),
    idempotency_key     text        NOT NULL,
    request_fingerprint text        NOT NULL,
    amount_minor        bigint      NOT NULL CHECK (amount_minor > 0),
    credit_posted       boolean     NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (checkout_id, idempotency_key)
);

CREATE TABLE refund_lines (
    refund_id   uuid    NOT NULL REFERENCES refunds (refund_id),
    checkout_id uuid    NOT NULL,
    product_id  text    NOT NULL,
    quantity    int     NOT NULL CHECK (quantity > 0),
    returned    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (refund_id, product_id),
    FOREIGN KEY (checkout_id, product_id) REFERENCES checkout_lines (checkout_id, product_id)
);
CREATE INDEX refund_lines_by_checkout ON refund_lines (checkout_id);
