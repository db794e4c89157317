/** A sale in one transaction: waiting locks on its products and its customer, then stock, order and ledger. */
@NullMarked
package till.synccheckout.sale;

import org.jspecify.annotations.NullMarked;
