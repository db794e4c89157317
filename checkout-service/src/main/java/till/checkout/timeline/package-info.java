/** Every command sent and reply received for a checkout, for operators. */
@NullMarked
package till.checkout.timeline;

import org.jspecify.annotations.NullMarked;
