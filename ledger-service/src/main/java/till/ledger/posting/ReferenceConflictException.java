package till.ledger.posting;

/** A business key (kind and reference) that is already on another customer's ledger. */
public class ReferenceConflictException extends RuntimeException {

    public ReferenceConflictException(EntryKind kind, String reference, String owner, String requester) {
        super(kind + " " + reference + " is already posted to customer " + owner + ", not " + requester);
    }
}
