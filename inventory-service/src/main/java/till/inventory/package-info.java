/** The inventory service. */
@NullMarked
package till.inventory;

import org.jspecify.annotations.NullMarked;
