/** RFC 9457 problem+json answers that name the offending field. */
@NullMarked
package till.platform.web;

import org.jspecify.annotations.NullMarked;
