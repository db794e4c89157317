package till.ledger.posting;

import java.time.Instant;

/** One line of a customer's ledger, as appended; never changed afterwards. */
public record Entry(
        long entryId,
        String customerId,
        EntryKind kind,
        long amountMinor,
        long balanceAfterMinor,
        String reference,
        Instant createdAt) {}
