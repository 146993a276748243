/**
 * A failure of an operation other than a Claude call (pushing metrics, reaching a store), with
 * a type an n8n user can branch on. The item runner reports it as `{ type, message }`.
 */
export class OperationError extends Error {
	override name = 'OperationError';

	readonly type: string;

	constructor(type: string, message: string) {
		super(message);
		this.type = type;
	}
}
