/**
 * {@code lambert package}: the function zip (pruned jars, natives for one architecture, the model),
 * deterministic and atomic, its {@code function.json} and its size report.
 */
package lambert.toolkit.packaging;
