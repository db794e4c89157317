/** The price copy: each product's price as inventory last published it, which a new checkout quotes (ADR 10). */
@NullMarked
package till.checkout.price;

import org.jspecify.annotations.NullMarked;
