/** Products, their stock and the one locked write path every change to a product goes through. */
@NullMarked
package till.inventory.product;

import org.jspecify.annotations.NullMarked;
