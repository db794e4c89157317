/** The synchronous checkout Till replaces, kept as the checkout benchmark's baseline. */
@NullMarked
package till.synccheckout;

import org.jspecify.annotations.NullMarked;
