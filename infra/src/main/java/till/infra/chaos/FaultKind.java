package till.infra.chaos;

/** What the chaos run does to the stack; each kind is injected at least once per run. */
public enum FaultKind {
    KILL_CHECKOUT("kill -9 of a checkout-service instance"),
    KILL_INVENTORY("kill -9 of an inventory-service instance"),
    KILL_LEDGER("kill -9 of a ledger-service instance"),
    KILL_BROKER("kill -9 of the Kafka broker, then its restart"),
    ZOMBIE("SIGSTOP of an instance past its session timeout, then SIGCONT"),
    DATABASE_CONNECTIONS("PostgreSQL backends of a service terminated"),
    DUPLICATES("command and reply records re-sent with their ids (console producer)"),
    POISON("malformed and unknown-type records (console producer)");

    final String description;

    FaultKind(String description) {
        this.description = description;
    }
}
