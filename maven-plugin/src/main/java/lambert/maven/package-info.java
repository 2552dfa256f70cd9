/**
 * The lambert Maven plugin: {@code lambert:package}, {@code lambert:verify}, {@code lambert:emulate} and
 * {@code lambert:template}, each a thin layer of pom parameters over the toolkit's engines (no logic of its own
 * beyond reading its configuration), failing the build with lambert's one-line messages.
 */
package lambert.maven;
