/**
 * Stand-ins for Slack and PagerDuty that refuse what the real services refuse, each rule taken
 * from the service's documentation (named beside the rule). They speak HTTPS with a throw-away
 * certificate for 127.0.0.1 (Slack and PagerDuty refuse plain HTTP); give n8n the certificate
 * with NODE_EXTRA_CA_CERTS. Every request is recorded, accepted or not.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Received } from './stand-in.ts';

export interface TlsMaterial {
	key: Buffer;
	cert: Buffer;
	/** PEM file of the certificate, for NODE_EXTRA_CA_CERTS. */
	certFile: string;
	remove(): void;
}

/** A self-signed certificate for 127.0.0.1 and localhost, valid for a day (openssl). */
export function selfSignedCertificate(): TlsMaterial {
	const dir = mkdtempSync(join(tmpdir(), 'agent-swarm-tls-'));
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
	return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')), certFile: join(dir, 'cert.pem'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Reply {
	status: number;
	body: string;
	type?: string;
}

/** An HTTPS service whose answers come from a rule book; records every request. */
export class StrictStandIn {
	readonly received: Array<Received & { status: number }> = [];
	private server?: Server;
	port = 0;
	/** Replaces the answer to accepted requests (e.g. a 500 outage), after the rules passed. */
	override?: (req: Received) => Reply | undefined;

	private readonly tls: TlsMaterial;
	private readonly rules: (req: Received) => Reply;

	constructor(tls: TlsMaterial, rules: (req: Received) => Reply) {
		this.tls = tls;
		this.rules = rules;
	}

	async start(): Promise<string> {
		this.server = createServer({ key: this.tls.key, cert: this.tls.cert }, (req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				const body = Buffer.concat(chunks).toString('utf8');
				const got: Received = { method: req.method!, path: req.url!, headers: req.headers, body, at: Date.now() };
				try {
					got.json = JSON.parse(body);
				} catch {
					// not JSON
				}
				let reply = this.rules(got);
				if (reply.status < 300 && this.override) reply = this.override(got) ?? reply;
				this.received.push({ ...got, status: reply.status });
				res.writeHead(reply.status, { 'content-type': reply.type ?? 'application/json' }).end(reply.body);
			});
		});
		await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
		this.port = (this.server!.address() as { port: number }).port;
		return `https://127.0.0.1:${this.port}`;
	}

	accepted(): Array<Received & { status: number }> {
		return this.received.filter((r) => r.status < 300);
	}

	async waitFor(count: number, timeoutMs = 30_000, accepted = true): Promise<Array<Received & { status: number }>> {
		const deadline = Date.now() + timeoutMs;
		const list = () => (accepted ? this.accepted() : this.received);
		while (list().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
		return list();
	}

	reset(): void {
		this.received.length = 0;
		this.override = undefined;
	}

	stop(): Promise<void> {
		return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
	}
}

export const SLACK_DOCS = {
	webhooks: 'https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks/',
	formatting: 'https://docs.slack.dev/messaging/formatting-message-text/',
	/** Slack's own list of webhook error strings and their HTTP statuses (invalid_payload: 400). */
	errors: 'https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks',
	/** no_text (400) is not in Slack's list; it is what hooks.slack.com answers a message without text, as reported here. */
	noText: 'https://gitlab.com/gitlab-org/gitlab/-/issues/332611',
};

/**
 * Slack incoming webhooks: POST JSON to https://hooks.slack.com/services/T…/B…/… (SLACK_DOCS.webhooks);
 * 400 invalid_payload for a body that is not a JSON object (SLACK_DOCS.errors); 400 no_text
 * without text, blocks or attachments (SLACK_DOCS.noText, observed behaviour, stricter than
 * the documented list); 200 "ok". Any other URL is refused with 404 no_service: stricter than
 * anything documented, so a workflow posting to a wrong path fails here as it would there.
 */
export function slackWebhookRules(req: Received): Reply {
	const text = (status: number, body: string): Reply => ({ status, body, type: 'text/html' });
	if (req.method !== 'POST' || !/^\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+$/.test(req.path)) return text(404, 'no_service');
	if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return text(400, 'invalid_payload');
	const json = req.json as Record<string, unknown> | undefined;
	if (!json || typeof json !== 'object' || Array.isArray(json)) return text(400, 'invalid_payload');
	const hasText = typeof json.text === 'string' && json.text.trim() !== '';
	if (!hasText && !Array.isArray(json.blocks) && !Array.isArray(json.attachments)) return text(400, 'no_text');
	return text(200, 'ok');
}

export const PAGERDUTY_DOCS = {
	events: 'https://github.com/PagerDuty/developer-docs/blob/main/docs/events-API-v2/02-Trigger-Events.md',
	eventsOverview: 'https://github.com/PagerDuty/developer-docs/blob/main/docs/events-API-v2/01-Overview.md',
	eventsSchema: 'https://github.com/PagerDuty/api-schema/blob/main/reference/events-v2/openapiv3.json',
	restAuth: 'https://github.com/PagerDuty/developer-docs/blob/main/docs/REST-API/02-Authentication.md',
	restErrors: 'https://github.com/PagerDuty/developer-docs/blob/main/docs/REST-API/14-Errors.md',
	notes: 'https://developer.pagerduty.com/api-reference/b3A6Mjc0ODE1MA-create-a-note-on-an-incident',
};

/**
 * Events API v2 `POST /v2/enqueue`: JSON under 512 KB; routing_key the 32-character integration
 * key; event_action trigger|acknowledge|resolve; dedup_key at most 255 characters; a trigger
 * needs payload.summary (at most 1024), payload.source and payload.severity
 * (critical|error|warning|info). 202 {status: "success", message: "Event processed", dedup_key};
 * 400 {status, message, errors}. (PAGERDUTY_DOCS.events, eventsOverview, eventsSchema)
 */
export function pagerDutyEventsRules(req: Received): Reply {
	const invalid = (...errors: string[]): Reply => ({ status: 400, body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors }) });
	if (req.method !== 'POST' || req.path !== '/v2/enqueue') return { status: 404, body: JSON.stringify({ status: 'not found', message: 'Not Found' }) };
	if (Buffer.byteLength(req.body) > 512 * 1024) return invalid('Event payload exceeds 512 KB');
	const e = req.json as Record<string, any> | undefined;
	if (!e || typeof e !== 'object' || Array.isArray(e)) return { status: 400, body: JSON.stringify({ status: 'Unrecognized object', message: 'Event object format is unrecognized', errors: ['JSON parse error'] }) };
	const errors: string[] = [];
	if (typeof e.routing_key !== 'string' || e.routing_key.length !== 32) errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
	if (!['trigger', 'acknowledge', 'resolve'].includes(e.event_action)) errors.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
	if (e.dedup_key !== undefined && (typeof e.dedup_key !== 'string' || e.dedup_key.length > 255)) errors.push("'dedup_key' must be a string of at most 255 characters");
	if (e.event_action === 'trigger') {
		const p = e.payload;
		if (!p || typeof p !== 'object') errors.push("'payload' is missing or invalid");
		else {
			if (typeof p.summary !== 'string' || !p.summary) errors.push("'payload.summary' is missing or blank");
			else if (p.summary.length > 1024) errors.push("'payload.summary' is longer than 1024 characters");
			if (typeof p.source !== 'string' || !p.source) errors.push("'payload.source' is missing or blank");
			if (!['critical', 'error', 'warning', 'info'].includes(p.severity)) errors.push("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
		}
	} else if (typeof e.dedup_key !== 'string') errors.push("'dedup_key' is required for acknowledge and resolve");
	if (errors.length) return invalid(...errors);
	return { status: 202, body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: e.dedup_key ?? 'generated-dedup-key' }) };
}

/**
 * REST API v2 `POST /incidents/{id}/notes`: `Authorization: Token token=<key>` (401 otherwise),
 * a `From` header with the e-mail of a user of the account (400), body `{note: {content}}` with
 * content (400 "Invalid Input Provided", code 2001); errors as `{error: {message, code, errors}}`.
 * 201 with the note. Known incidents only (404). (PAGERDUTY_DOCS.restAuth, restErrors, notes)
 */
export function pagerDutyNotesRules(options: { token: string; users: string[]; incidents: string[] }) {
	return (req: Received): Reply => {
		const error = (status: number, message: string, code: number, errors: string[] = []) => ({ status, body: JSON.stringify({ error: { message, code, errors } }) });
		const match = /^\/incidents\/([A-Z0-9]+)\/notes$/.exec(req.path);
		if (req.headers.authorization !== `Token token=${options.token}`) return error(401, 'Authentication failed', 2006);
		if (req.method !== 'POST' || !match) return error(404, 'Not Found', 2100);
		const from = String(req.headers.from ?? '');
		if (!from) return error(400, 'Invalid Input Provided', 2001, ['A valid user email is required in the From header']);
		if (!options.users.includes(from)) return error(400, 'Requester User Not Found', 1008);
		if (!options.incidents.includes(match[1])) return error(404, 'Incident Not Found', 5001);
		const content = (req.json as { note?: { content?: unknown } } | undefined)?.note?.content;
		if (typeof content !== 'string' || !content.trim()) return error(400, 'Invalid Input Provided', 2001, ['Note content must not be blank']);
		return { status: 201, body: JSON.stringify({ note: { id: 'PNOTE01', user: { type: 'user_reference', summary: from }, content, created_at: new Date().toISOString() } }) };
	};
}
