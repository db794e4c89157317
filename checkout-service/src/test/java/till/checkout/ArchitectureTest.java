package till.checkout;

import org.junit.jupiter.api.Test;
import till.checkout.saga.Checkout;
import till.checkout.saga.CheckoutLine;
import till.testsupport.ArchitectureRules;

/** The saga's rules are plain Java, the feature packages have no cycles, and no other service's code is used. */
class ArchitectureTest {

    @Test
    void checkoutServiceKeepsTillsArchitecturalRules() {
        ArchitectureRules.check("till.checkout", Checkout.class, CheckoutLine.class);
    }
}
