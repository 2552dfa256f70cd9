/**
 * JSON reading and writing on Jackson's streaming core: a plain value tree in, a generator out.
 * Chosen over data binding because it loads a fraction of the classes at cold start.
 */
package lambert.base.json;
