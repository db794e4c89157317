package till.ledger.posting;

import till.contracts.ledger.ChargeRejectionReason;

/** What a posting did: appended an entry, found its business key already posted, refused, or left a marker. */
public sealed interface PostingResult {

    /** A new entry is on the ledger. */
    record Appended(Entry entry) implements PostingResult {}

    /** The entry with this kind and reference was posted before; nothing new was appended. */
    record AlreadyPosted(Entry entry) implements PostingResult {}

    /** Nothing was appended, for this reason. */
    record Refused(ChargeRejectionReason reason) implements PostingResult {}

    /** A reversal arrived before its charge: a marker now refuses the charge if it ever comes. */
    record ReversedBeforeCharge() implements PostingResult {}
}
