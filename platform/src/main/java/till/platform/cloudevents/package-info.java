/** CloudEvents 1.0 in structured JSON mode: the envelope of every message on Till's topics. */
@NullMarked
package till.platform.cloudevents;

import org.jspecify.annotations.NullMarked;
