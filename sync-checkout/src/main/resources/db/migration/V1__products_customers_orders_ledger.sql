-- The synchronous checkout's whole world in one database: a sale locks its products and its customer, and
-- writes the stock, the order and the ledger in one transaction. The constraints state what it must never break.

CREATE TABLE products (
    product_id  text   PRIMARY KEY CHECK (length(product_id) BETWEEN 1 AND 100),
    name        text   NOT NULL CHECK (name <> ''),
    price_minor bigint NOT NULL CHECK (price_minor >= 0),
    on_hand     bigint NOT NULL CHECK (on_hand >= 0)
);

CREATE TABLE customers (
    customer_id        text   PRIMARY KEY CHECK (length(customer_id) BETWEEN 1 AND 100),
    name               text   NOT NULL CHECK (name <> ''),
    credit_limit_minor bigint NOT NULL CHECK (credit_limit_minor >= 0),
    balance_minor      bigint NOT NULL DEFAULT 0
);

-- Rejected sales are kept too, so that a repeated Idempotency-Key gets the same answer.
CREATE TABLE orders (
    order_id        uuid        PRIMARY KEY,
    idempotency_key text        NOT NULL UNIQUE,
    customer_id     text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('CONFIRMED', 'REJECTED')),
    reason          text        CHECK ((status = 'REJECTED') = (reason IS NOT NULL)),
    total_minor     bigint      NOT NULL CHECK (total_minor >= 0),
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE order_lines (
    order_id         uuid   NOT NULL REFERENCES orders (order_id),
    product_id       text   NOT NULL REFERENCES products (product_id),
    quantity         int    NOT NULL CHECK (quantity > 0),
    unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
    PRIMARY KEY (order_id, product_id)
);

CREATE TABLE ledger_entries (
    entry_id            bigserial PRIMARY KEY,
    customer_id         text      NOT NULL REFERENCES customers (customer_id),
    order_id            uuid      NOT NULL UNIQUE REFERENCES orders (order_id),
    amount_minor        bigint    NOT NULL CHECK (amount_minor > 0),
    balance_after_minor bigint    NOT NULL
);
