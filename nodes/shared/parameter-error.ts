/**
 * A problem with what the user configured (a field value, an expression result), found by pure
 * code without an n8n context. Its message names the field and the fix; the node glue turns it
 * into a NodeOperationError for the item it belongs to.
 */
export class ParameterError extends Error {
	override name = 'ParameterError';
}
