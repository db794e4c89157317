/** Products and customers, created or replaced over REST so that a benchmark can seed them. */
@NullMarked
package till.synccheckout.catalogue;

import org.jspecify.annotations.NullMarked;
