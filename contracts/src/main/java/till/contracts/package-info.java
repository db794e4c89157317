/**
 * The message contracts on Till's topics, one record per CloudEvent {@code type}: commands, replies and facts.
 * Each record rejects invalid content in its constructor, so an invalid message never reaches a handler.
 */
@NullMarked
package till.contracts;

import org.jspecify.annotations.NullMarked;
