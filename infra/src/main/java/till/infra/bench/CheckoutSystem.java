package till.infra.bench;

import java.util.List;

/** A checkout system under test: seeded the same way, sold to the same way, its CPU counted over its processes. */
interface CheckoutSystem {

    enum Outcome {
        CONFIRMED,
        REJECTED
    }

    record Line(String productId, int quantity) {}

    /** "Till" or "sync": the table's row label. */
    String name();

    Catalogue catalogue();

    /** Sells and returns once the outcome is final as the till sees it; throws when there is none. */
    Outcome checkout(String idempotencyKey, String customerId, List<Line> lines);

    /** The processes whose CPU this system's checkouts cost. */
    Cpu.Processes processes();
}
