/**
 * The stand-ins the end-to-end tests post to refuse what the real services refuse. Each rule is
 * tested with the documentation it comes from in its name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	PAGERDUTY_DOCS,
	pagerDutyEventsRules,
	pagerDutyNotesRules,
	selfSignedCertificate,
	SLACK_DOCS,
	slackWebhookRules,
	StrictStandIn,
} from '../helpers/strict-stand-ins.ts';

const tls = selfSignedCertificate();
const slack = new StrictStandIn(tls, slackWebhookRules);
const events = new StrictStandIn(tls, pagerDutyEventsRules);
const notes = new StrictStandIn(tls, pagerDutyNotesRules({ token: 'pd-token', users: ['bot@example.com'], incidents: ['Q3TCPXPZ0E7EAE'] }));
const KEY = 'e93facc04764012d7bfb002500d5d1a6';

/** HTTPS to the stand-ins with their certificate trusted (what NODE_EXTRA_CA_CERTS does for n8n). */
async function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<{ status: number; text: string }> {
	const { request } = await import('node:https');
	return new Promise((resolve, reject) => {
		const req = request(url, { method: 'POST', headers, ca: tls.cert }, (res) => {
			let text = '';
			res.on('data', (c) => (text += c));
			res.on('end', () => resolve({ status: res.statusCode!, text }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

let slackUrl = '';
let eventsUrl = '';
let notesUrl = '';
beforeAll(async () => {
	slackUrl = await slack.start();
	eventsUrl = await events.start();
	notesUrl = await notes.start();
});
afterAll(async () => {
	await Promise.all([slack.stop(), events.stop(), notes.stop()]);
	tls.remove();
});

describe(`Slack incoming webhook (${SLACK_DOCS.webhooks})`, () => {
	it('accepts JSON with text on a /services/T…/B…/… URL with 200 "ok"', async () => {
		expect(await post(`${slackUrl}/services/T000/B000/XXX`, JSON.stringify({ text: 'hi' }))).toEqual({ status: 200, text: 'ok' });
	});
	it('404 no_service for a URL that is not a webhook', async () => {
		expect(await post(`${slackUrl}/hooks/whatever`, JSON.stringify({ text: 'hi' }))).toEqual({ status: 404, text: 'no_service' });
	});
	it(`400 invalid_payload for a body that is not a JSON object (${SLACK_DOCS.errors})`, async () => {
		expect(await post(`${slackUrl}/services/T000/B000/XXX`, 'text=hi')).toEqual({ status: 400, text: 'invalid_payload' });
		expect(await post(`${slackUrl}/services/T000/B000/XXX`, '[1]')).toEqual({ status: 400, text: 'invalid_payload' });
	});
	it(`400 no_text without text, blocks or attachments (${SLACK_DOCS.noText})`, async () => {
		expect(await post(`${slackUrl}/services/T000/B000/XXX`, JSON.stringify({ text: '' }))).toEqual({ status: 400, text: 'no_text' });
	});
});

describe(`PagerDuty Events API v2 (${PAGERDUTY_DOCS.events})`, () => {
	const trigger = { routing_key: KEY, event_action: 'trigger', dedup_key: 'x', payload: { summary: 's', source: 'api', severity: 'critical' } };
	it('202 success for a valid trigger', async () => {
		const res = await post(`${eventsUrl}/v2/enqueue`, JSON.stringify(trigger));
		expect(res.status).toBe(202);
		expect(JSON.parse(res.text)).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'x' });
	});
	it.each([
		['routing_key not 32 characters', { ...trigger, routing_key: 'short' }, /routing_key/],
		['unknown event_action', { ...trigger, event_action: 'page' }, /event_action/],
		['summary over 1024 characters', { ...trigger, payload: { ...trigger.payload, summary: 'x'.repeat(1025) } }, /1024/],
		['severity not in critical|error|warning|info', { ...trigger, payload: { ...trigger.payload, severity: 'high' } }, /severity/],
		['no source', { ...trigger, payload: { summary: 's', severity: 'critical' } }, /source/],
		['dedup_key over 255', { ...trigger, dedup_key: 'k'.repeat(256) }, /255/],
	])(`400 for %s (${PAGERDUTY_DOCS.eventsSchema})`, async (_n, body, message) => {
		const res = await post(`${eventsUrl}/v2/enqueue`, JSON.stringify(body));
		expect(res.status).toBe(400);
		expect(JSON.parse(res.text).errors.join(' ')).toMatch(message);
	});
	it(`400 for more than 512 KB (${PAGERDUTY_DOCS.eventsOverview})`, async () => {
		const res = await post(`${eventsUrl}/v2/enqueue`, JSON.stringify({ ...trigger, payload: { ...trigger.payload, custom_details: { x: 'y'.repeat(600_000) } } }));
		expect(res.status).toBe(400);
	});
});

describe(`PagerDuty REST API: create a note (${PAGERDUTY_DOCS.notes})`, () => {
	const headers = { 'content-type': 'application/json', authorization: 'Token token=pd-token', from: 'bot@example.com', accept: 'application/vnd.pagerduty+json;version=2' };
	const body = JSON.stringify({ note: { content: 'report' } });
	it('201 with the note', async () => {
		const res = await post(`${notesUrl}/incidents/Q3TCPXPZ0E7EAE/notes`, body, headers);
		expect(res.status).toBe(201);
		expect(JSON.parse(res.text).note.content).toBe('report');
	});
	it(`401 without "Authorization: Token token=…" (${PAGERDUTY_DOCS.restAuth})`, async () => {
		expect((await post(`${notesUrl}/incidents/Q3TCPXPZ0E7EAE/notes`, body, { ...headers, authorization: 'Bearer pd-token' })).status).toBe(401);
	});
	it(`400 without a From header of a known user, or with blank content (${PAGERDUTY_DOCS.restErrors})`, async () => {
		const { from: _f, ...noFrom } = headers;
		expect((await post(`${notesUrl}/incidents/Q3TCPXPZ0E7EAE/notes`, body, noFrom)).status).toBe(400);
		expect((await post(`${notesUrl}/incidents/Q3TCPXPZ0E7EAE/notes`, body, { ...headers, from: 'stranger@example.com' })).status).toBe(400);
		expect((await post(`${notesUrl}/incidents/Q3TCPXPZ0E7EAE/notes`, JSON.stringify({ note: { content: ' ' } }), headers)).status).toBe(400);
	});
	it('404 for an incident the account does not have', async () => {
		expect((await post(`${notesUrl}/incidents/PNOPE/notes`, body, headers)).status).toBe(404);
	});
});
