package till.inventory;

import org.junit.jupiter.api.Test;
import till.inventory.product.Stock;
import till.testsupport.ArchitectureRules;

/** The stock rules are plain Java, the feature packages have no cycles, and no other service's code is used. */
class ArchitectureTest {

    @Test
    void inventoryServiceKeepsTillsArchitecturalRules() {
        ArchitectureRules.check("till.inventory", Stock.class);
    }
}
