package till.checkout.saga;

/** A message the saga decided to send; written to the outbox in the transition's transaction. */
public record Outgoing(String topic, String key, String type, Object data) {}
