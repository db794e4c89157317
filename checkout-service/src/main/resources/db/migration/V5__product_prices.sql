-- checkout-service's copy of each product's price, from inventory's ProductPriceChanged facts: what a new checkout
-- quotes, so that its charge can go out with its reservations (ADR 10). A fact is applied only over an older
-- version, so a redelivered, replayed or overtaken fact never takes a price back.
CREATE TABLE product_prices (
    product_id  text        PRIMARY KEY,
    price_minor bigint      NOT NULL CHECK (price_minor >= 0),
    version     bigint      NOT NULL CHECK (version > 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
