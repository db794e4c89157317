-- Inventory's own tables. The CHECK constraints state SPEC invariant 1 where the database can enforce it:
-- whatever the code does, no row can ever show negative stock or more reserved than on hand.

CREATE TABLE products (
    product_id  text   PRIMARY KEY,
    name        text   NOT NULL,
    price_minor bigint NOT NULL CHECK (price_minor >= 0),
    on_hand     bigint NOT NULL CHECK (on_hand >= 0),
    reserved    bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    -- Moves with every change, stock or details: the ETag of the product, so a form opened before a sale is stale after it.
    version     bigint NOT NULL DEFAULT 1,
    CONSTRAINT products_reserved_within_on_hand CHECK (reserved <= on_hand)
);

-- One row per (checkout, product): the lifecycle RESERVED -> COMMITTED, or RESERVED -> RELEASED. A release
-- that arrives first leaves a RELEASED marker of quantity 0 so the late reservation is refused.
CREATE TABLE reservations (
    checkout_id      text        NOT NULL,
    product_id       text        NOT NULL REFERENCES products (product_id),
    quantity         bigint      NOT NULL CHECK (quantity >= 0),
    unit_price_minor bigint      NOT NULL CHECK (unit_price_minor >= 0),
    state            text        NOT NULL CHECK (state IN ('RESERVED', 'COMMITTED', 'RELEASED')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (checkout_id, product_id),
    CONSTRAINT reservations_live_quantity_positive CHECK (state = 'RELEASED' OR quantity > 0)
);
CREATE INDEX reservations_by_product ON reservations (product_id, state);

-- Every change of on hand that is not a sale or a return: the initial stock, edits by PUT, counts and deliveries.
-- The id makes each adjustment apply once, whether it came by REST or by Kafka.
CREATE TABLE adjustments (
    adjustment_id text        PRIMARY KEY,
    product_id    text        NOT NULL REFERENCES products (product_id),
    delta         bigint      NOT NULL,
    reason        text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX adjustments_by_product ON adjustments (product_id);

-- Refunded units put back on hand, once per (refund, product).
CREATE TABLE returns (
    refund_id   text        NOT NULL,
    product_id  text        NOT NULL REFERENCES products (product_id),
    checkout_id text        NOT NULL,
    quantity    bigint      NOT NULL CHECK (quantity > 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (refund_id, product_id)
);
CREATE INDEX returns_by_checkout ON returns (checkout_id, product_id);
