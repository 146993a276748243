/**
 * The AgentError behind a failed result object (a specialist's or a coordinator's), kept beside
 * the result rather than in it: results are JSON for n8n, the cause holds the API's real
 * response for NodeApiError.
 */
import { redact } from './client.ts';
import type { AgentError } from './errors.ts';

const causes = new WeakMap<object, AgentError>();

export function rememberCause<T extends object>(result: T, error: AgentError | undefined): T {
	if (error) causes.set(result, error);
	return result;
}

export function causeOf(result: object): AgentError | undefined {
	return causes.get(result);
}

/** The API's response behind a failure, with every secret taken out (an API may echo a key). */
export function redactedResponse(cause: AgentError | undefined, secrets: string[]): AgentError['httpResponse'] {
	if (!cause?.httpResponse) return undefined;
	return { status: cause.httpResponse.status, body: JSON.parse(redact(JSON.stringify(cause.httpResponse.body), secrets)) };
}
