-- The ledger: customers with credit limits, and an append-only list of entries per customer whose
-- balance_after_minor is the running balance. Postings for one customer are serialised by
-- pg_advisory_xact_lock(LEDGER_CUSTOMER, hashtext(customer_id)) in the application (see Ledger.java).

CREATE TABLE customers (
    customer_id        text        PRIMARY KEY CHECK (length(customer_id) BETWEEN 1 AND 100),
    name               text        NOT NULL CHECK (name <> ''),
    credit_limit_minor bigint      NOT NULL CHECK (credit_limit_minor >= 0),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE entries (
    entry_id            bigserial   PRIMARY KEY,        -- order within a customer: appended under that customer's lock
    customer_id         text        NOT NULL REFERENCES customers (customer_id),
    kind                text        NOT NULL CHECK (kind IN ('SALE', 'SALE_REVERSAL', 'REFUND', 'PAYMENT', 'ADJUSTMENT')),
    amount_minor        bigint      NOT NULL,           -- charges positive, credits negative
    balance_after_minor bigint      NOT NULL,
    reference           text        NOT NULL CHECK (reference <> ''),  -- checkout, refund or payment id
    credit_limit_minor  bigint,                         -- the limit a SALE was checked against
    created_at          timestamptz NOT NULL DEFAULT now(),
    -- One SALE and one SALE_REVERSAL per checkout, one REFUND per refund id, one PAYMENT per payment id:
    -- a posting is idempotent even when the message carrying it is not.
    CONSTRAINT entries_one_per_business_key UNIQUE (kind, reference),
    CONSTRAINT entries_amount_sign CHECK (
        (kind = 'SALE' AND amount_minor > 0)
        OR (kind IN ('SALE_REVERSAL', 'REFUND', 'PAYMENT') AND amount_minor < 0)
        OR (kind = 'ADJUSTMENT' AND amount_minor <> 0)),
    CONSTRAINT entries_sale_within_limit CHECK (
        kind <> 'SALE' OR (credit_limit_minor IS NOT NULL AND balance_after_minor <= credit_limit_minor))
);
CREATE INDEX entries_by_customer ON entries (customer_id, entry_id);

-- Nothing is ever updated or deleted: a correction is a new entry.
CREATE FUNCTION entries_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are append-only: % is not allowed', TG_OP;
END
$$;
CREATE TRIGGER entries_no_update_or_delete BEFORE UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION entries_are_append_only();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION entries_are_append_only();

-- A ReverseCharge that arrived before (or instead of) its PostCharge: the late charge is refused.
CREATE TABLE reversal_markers (
    checkout_id text        PRIMARY KEY,
    customer_id text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
