/**
 * Writing outputs safely, once for every module: {@link lambert.base.io.PartialFiles} holds the temp files and
 * staging folders a step writes before moving them into place, removes them on close and on Ctrl-C, and swaps a
 * finished folder in for an old one (the old one back if the swap fails or is interrupted);
 * {@link lambert.base.io.Trees} deletes a folder tree.
 */
package lambert.base.io;
