/**
 * Reading a GitHub webhook delivery: its headers, and its body whether the hook sends JSON or
 * (GitHub's default content type) a form with the JSON in a `payload` field. A delivery that
 * cannot be read is refused with the field and the fix, never accepted silently.
 *
 * Contract: https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers
 * and https://docs.github.com/en/webhooks/using-webhooks/creating-webhooks (content type:
 * "application/x-www-form-urlencoded will send the JSON payload as a form parameter called payload").
 */

export interface Delivery {
	event: string;
	/** X-GitHub-Delivery: the same on a redelivery of the same event. */
	id: string;
	contentType: 'json' | 'form';
	payload: Record<string, unknown>;
}

/** A delivery that cannot be read: answered with this status and message. */
export class DeliveryRefused extends Error {
	override name = 'DeliveryRefused';
	readonly status: number;
	readonly field: string;
	readonly fix: string;

	constructor(
		status: number,
		field: string,
		message: string,
		fix: string,
	) {
		super(message);
		this.status = status;
		this.field = field;
		this.fix = fix;
	}
}

const FORM = 'application/x-www-form-urlencoded';

/** Headers as n8n's Webhook node gives them (lower-case names, strings or arrays). */
export function header(headers: Record<string, unknown>, name: string): string {
	const value = headers[name.toLowerCase()];
	const first = Array.isArray(value) ? value[0] : value;
	return typeof first === 'string' ? first.trim() : '';
}

export function readDelivery(headers: Record<string, unknown>, body: unknown): Delivery {
	const event = header(headers, 'x-github-event');
	if (!event) {
		throw new DeliveryRefused(400, 'X-GitHub-Event', 'The X-GitHub-Event header is missing', 'Point a GitHub webhook at this URL; GitHub names the event in X-GitHub-Event');
	}
	const id = header(headers, 'x-github-delivery');
	if (!id) {
		throw new DeliveryRefused(400, 'X-GitHub-Delivery', 'The X-GitHub-Delivery header is missing', 'GitHub sends a delivery id with every delivery; send it so repeated deliveries can be recognised');
	}
	const type = header(headers, 'content-type').split(';')[0].trim().toLowerCase();
	if (type === FORM) return { event, id, contentType: 'form', payload: formPayload(body) };
	if (type && type !== 'application/json') {
		throw new DeliveryRefused(415, 'Content-Type', `Content type "${type}" is not one GitHub sends`, 'Set the webhook\'s content type to application/json (or application/x-www-form-urlencoded)');
	}
	return { event, id, contentType: 'json', payload: jsonObject(body, 'body') };
}

/** The form's `payload` field, parsed from the object n8n made of the form or from the raw text. */
function formPayload(body: unknown): Record<string, unknown> {
	let payload: unknown;
	if (typeof body === 'string') payload = new URLSearchParams(body).get('payload');
	else if (body && typeof body === 'object') payload = (body as Record<string, unknown>).payload;
	if (typeof payload !== 'string' || payload.trim() === '') {
		throw new DeliveryRefused(400, 'payload', 'This form-encoded delivery has no "payload" field', 'GitHub puts the JSON in a form field named payload; or set the webhook\'s content type to application/json');
	}
	return jsonObject(payload, 'payload');
}

const NOT_JSON = Symbol('not JSON');
function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return NOT_JSON;
	}
}

/** The delivery, or why it is refused (for callers that answer a refusal instead of failing). */
export function tryReadDelivery(headers: Record<string, unknown>, body: unknown): Delivery | DeliveryRefused {
	try {
		return readDelivery(headers, body);
	} catch (error) {
		if (error instanceof DeliveryRefused) return error;
		return new DeliveryRefused(400, 'body', String((error as Error)?.message ?? error), 'Send the event as GitHub does');
	}
}

function jsonObject(value: unknown, field: string): Record<string, unknown> {
	const parsed = typeof value === 'string' ? parseJson(value) : value;
	if (parsed === NOT_JSON) throw new DeliveryRefused(400, field, `The ${field} is not valid JSON`, 'Send the event as GitHub does: one JSON object');
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new DeliveryRefused(400, field, `The ${field} must be a JSON object`, 'Send the event as GitHub does: one JSON object');
	}
	return parsed as Record<string, unknown>;
}
