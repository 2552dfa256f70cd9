/** Model names and folders on the command line: built-in models materialised from Maven artifacts. */
package lambert.toolkit.models;
