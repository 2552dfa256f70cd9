/**
 * {@code lambert tune}: a memory-size sweep (duration, init, memory used, cost per size) against a
 * {@link lambert.toolkit.tune.TuneTarget}, with the table, JSON and chart it produces.
 */
package lambert.toolkit.tune;
