package till.ledger;

import org.junit.jupiter.api.Test;
import till.ledger.posting.CreditLimit;
import till.ledger.posting.Entry;
import till.testsupport.ArchitectureRules;

/** The posting rules are plain Java, the feature packages have no cycles, and no other service's code is used. */
class ArchitectureTest {

    @Test
    void ledgerServiceKeepsTillsArchitecturalRules() {
        ArchitectureRules.check("till.ledger", CreditLimit.class, Entry.class);
    }
}
