-- A till waiting on a checkout (Prefer: wait=N) is woken when the checkout is decided, by whichever instance
-- decided it: the database says so on commit, so no saga code and no instance has to know who is waiting.
-- The payload is the checkout id; NOTIFY is delivered only if the transaction commits.
CREATE FUNCTION notify_checkout_outcome() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('till_checkout_outcome', NEW.checkout_id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER checkout_decided
    AFTER UPDATE OF status ON checkouts
    FOR EACH ROW
    WHEN (OLD.status = 'PENDING' AND NEW.status <> 'PENDING')
    EXECUTE FUNCTION notify_checkout_outcome();
