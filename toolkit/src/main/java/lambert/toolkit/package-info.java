/**
 * lambert's engines as a Java library, the {@code lambert} command's workhorse: checkpoint to bundle
 * ({@code bundling}), the function zip ({@code packaging}), the Lambda emulator ({@code emulator}), answer
 * comparison ({@code verify}), the memory sweep ({@code tune}), prices ({@code cost}), SAM templates
 * ({@code template}), AWS deploy and invoke ({@code aws}), the built-in models ({@code models}) and the local HTTP
 * layer ({@code serve}). Errors are this package's {@link lambert.toolkit.ToolkitException}s, IO exceptions and a
 * few engine-specific exceptions, each with a one-line message and no command-line wording.
 */
package lambert.toolkit;
