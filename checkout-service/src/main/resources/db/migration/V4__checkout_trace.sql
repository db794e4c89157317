-- The W3C traceparent of the request that started the checkout, so that work done for it later by something not
-- traced itself (the deadline sweeper's compensations) continues the checkout's trace. Null for checkouts started
-- before this column existed, and where tracing is off.
ALTER TABLE checkouts ADD COLUMN traceparent text;
