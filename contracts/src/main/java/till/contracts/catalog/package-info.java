/** The list of every message type, for contract tests and for the schemas made from the records. */
@NullMarked
package till.contracts.catalog;

import org.jspecify.annotations.NullMarked;
