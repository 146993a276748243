/**
 * Every alert sender's documented payload, normalised into one incident. Each describe names
 * the documentation the fixture and the reader follow.
 */
import { describe, expect, it } from 'vitest';
import { AlertRejected, ALERT_FORMATS, formatNamed, normaliseAlert } from '../../nodes/shared/alerts/formats/index.ts';
import { isoTime, severityOf } from '../../nodes/shared/alerts/incident.ts';
import { alertFixture } from '../helpers/alert-fixtures.ts';

const rejection = (body: unknown, options = {}) => {
	try {
		normaliseAlert(body, options);
	} catch (error) {
		expect(error).toBeInstanceOf(AlertRejected);
		return error as AlertRejected;
	}
	throw new Error('expected a rejection');
};

describe(`Alertmanager webhook v4 (${formatNamed('alertmanager')!.docUrl})`, () => {
	it('reads a firing group: status, severity, service, runbook, earliest start, the alert expression', () => {
		const incident = normaliseAlert(alertFixture('alertmanager-firing'));
		expect(incident).toMatchObject({
			source: 'alertmanager',
			status: 'firing',
			action: 'trigger',
			severity: 'critical',
			service: 'checkout',
			title: 'Checkout 5xx ratio above 5%',
			runbook_url: 'https://runbooks.example.com/checkout-errors',
			starts_at: '2026-11-25T02:10:30.123Z',
			ends_at: null,
			group_key: '{}/{severity="critical"}:{alertname="CheckoutErrorRate"}',
			external_url: 'http://alertmanager.example.com:9093',
		});
		expect(incident.incident_id).toMatch(/^AM-[0-9a-f]{12}$/);
		expect(incident.alerts).toHaveLength(2);
		expect(incident.alerts[1]).toMatchObject({ fingerprint: '77c2e90b4d13a6f8', labels: { instance: '10.0.3.18:8080' }, ends_at: null });
		expect(incident.expr).toBe(
			'sum by (instance) (rate(http_requests_total{job="checkout-api",code=~"5.."}[5m])) / sum by (instance) (rate(http_requests_total{job="checkout-api"}[5m])) > 0.05',
		);
	});

	it('the resolved notification of the same group has the same incident id, and the latest end', () => {
		const firing = normaliseAlert(alertFixture('alertmanager-firing'));
		const resolved = normaliseAlert(alertFixture('alertmanager-resolved'));
		expect(resolved).toMatchObject({ status: 'resolved', action: 'resolve', ends_at: '2026-11-25T02:53:00.000Z', incident_id: firing.incident_id });
	});

	it('a group with one alert still firing is firing', () => {
		const body = alertFixture('alertmanager-resolved');
		body.alerts[0].status = 'firing';
		expect(normaliseAlert(body).status).toBe('firing');
	});

	it('an unknown payload version is refused with the field named', () => {
		const body = { ...alertFixture('alertmanager-firing'), version: '3' };
		expect(rejection(body).field).toBe('version');
	});
});

describe(`Grafana unified alerting webhook (${formatNamed('grafana')!.docUrl})`, () => {
	it('reads the documented payload, keeps values, times with offsets become UTC', () => {
		const incident = normaliseAlert(alertFixture('grafana-firing'));
		expect(incident).toMatchObject({
			source: 'grafana',
			status: 'firing',
			severity: 'medium',
			service: 'payments-api',
			title: 'payments-api p95 latency high',
			starts_at: '2026-11-25T07:51:03.157Z',
			fingerprint: 'a41bc0e27d93f6c5',
			runbook_url: 'https://runbooks.example.com/payments-latency',
		});
		expect(incident.alerts[0].values).toEqual({ B: 0.912, C: 1 });
		expect(incident.expr).toBeNull();
		expect(normaliseAlert(alertFixture('grafana-resolved'))).toMatchObject({ status: 'resolved', incident_id: incident.incident_id, ends_at: '2026-11-25T08:20:03.000Z' });
	});
});

describe(`PagerDuty V3 webhooks (${formatNamed('pagerduty')!.docUrl})`, () => {
	it('incident.triggered starts an analysis for that PagerDuty incident, which it remembers as the origin', () => {
		const incident = normaliseAlert(alertFixture('pagerduty-triggered'));
		expect(incident).toMatchObject({
			incident_id: 'PD-Q3TCPXPZ0E7EAE',
			source: 'pagerduty',
			status: 'firing',
			action: 'trigger',
			severity: 'critical',
			service: 'Checkout API',
			title: 'Checkout 5xx ratio above 5%',
			starts_at: '2026-11-25T02:12:05.000Z',
			group_key: 'pagerduty:Q3TCPXPZ0E7EAE',
			origin: { system: 'pagerduty', incident_id: 'Q3TCPXPZ0E7EAE', number: 4711, html_url: 'https://acme.pagerduty.com/incidents/Q3TCPXPZ0E7EAE' },
		});
	});

	it('incident.resolved resolves the same incident; incident.annotated (our own note) is ignored', () => {
		expect(normaliseAlert(alertFixture('pagerduty-resolved'))).toMatchObject({ incident_id: 'PD-Q3TCPXPZ0E7EAE', status: 'resolved', action: 'resolve', ends_at: '2026-11-25T02:49:05.000Z' });
		expect(normaliseAlert(alertFixture('pagerduty-annotated'))).toMatchObject({ incident_id: 'PD-Q3TCPXPZ0E7EAE', action: 'ignore', event: 'incident.annotated' });
	});

	it('acknowledged and other incident events are ignored, never analysed', () => {
		for (const type of ['incident.acknowledged', 'incident.escalated', 'incident.priority_updated', 'incident.unacknowledged']) {
			const body = alertFixture('pagerduty-triggered');
			body.event.event_type = type;
			expect(normaliseAlert(body).action, type).toBe('ignore');
		}
	});

	it('urgency decides the severity when there is no priority', () => {
		const body = alertFixture('pagerduty-triggered');
		body.event.data.priority = null;
		body.event.data.urgency = 'low';
		expect(normaliseAlert(body).severity).toBe('low');
	});

	it('a V2 webhook (messages array) is refused with how to create a V3 subscription', () => {
		const error = rejection({ messages: [{ event: 'incident.trigger' }] });
		expect(error.message).toMatch(/V3 webhook subscription/);
	});
});

describe(`Datadog webhooks (${formatNamed('datadog')!.docUrl})`, () => {
	it('the default payload: the transition is read from the title, the date is epoch milliseconds', () => {
		const incident = normaliseAlert(alertFixture('datadog-default-triggered'), { defaultService: 'checkout' });
		expect(incident).toMatchObject({
			source: 'datadog',
			status: 'firing',
			action: 'trigger',
			title: 'Checkout 5xx ratio above 5%',
			service: 'checkout',
			starts_at: new Date(1795572630000).toISOString(),
			event: 'Triggered',
		});
		const recovered = normaliseAlert(alertFixture('datadog-default-recovered'));
		expect(recovered).toMatchObject({ status: 'resolved', action: 'resolve', incident_id: incident.incident_id, ends_at: new Date(1795574850000).toISOString() });
	});

	it('a payload with $ALERT_* variables: cycle key, priority, tags and scope', () => {
		const incident = normaliseAlert(alertFixture('datadog-extended-triggered'));
		expect(incident).toMatchObject({ severity: 'critical', service: 'checkout', group_key: 'datadog:4021863715392048571', labels: { env: 'prod', team: 'payments', monitor_id: '98765432' } });
		expect(incident.annotations.query).toContain('trace.http.request.errors');
	});

	it('a title with no transition and no $ALERT_TRANSITION is refused, naming the variable to add', () => {
		const body = { ...alertFixture('datadog-default-triggered'), title: 'Checkout errors' };
		expect(rejection(body).field).toBe('alert_transition');
	});
});

describe(`Opsgenie webhook integration (${formatNamed('opsgenie')!.docUrl})`, () => {
	it('Create starts an analysis; the alias groups it; Close resolves the same incident; Acknowledge is ignored', () => {
		const created = normaliseAlert(alertFixture('opsgenie-create'));
		expect(created).toMatchObject({
			source: 'opsgenie',
			action: 'trigger',
			status: 'firing',
			severity: 'critical',
			service: 'checkout',
			title: 'Checkout 5xx ratio above 5%',
			runbook_url: 'https://runbooks.example.com/checkout-errors',
			starts_at: new Date(1795572630000).toISOString(),
			group_key: 'opsgenie:checkout-error-rate',
		});
		// updatedAt is in nanoseconds in Opsgenie's alert action data.
		expect(normaliseAlert(alertFixture('opsgenie-close'))).toMatchObject({ action: 'resolve', incident_id: created.incident_id, ends_at: '2026-11-25T02:47:30.456Z' });
		expect(normaliseAlert(alertFixture('opsgenie-acknowledge')).action).toBe('ignore');
	});
});

describe('our own JSON and bad bodies: 400 naming the field and the fix', () => {
	it('reads incident_id, pasted evidence and URLs', () => {
		const incident = normaliseAlert({ incident_id: 'INC-7', logs: 'x', metrics_url: 'https://m/x', severity: 'high', service: 'api' });
		expect(incident).toMatchObject({ incident_id: 'INC-7', source: 'json', severity: 'high', service: 'api', evidence: { logs: 'x', metrics_url: 'https://m/x' } });
		expect(normaliseAlert({ incident_id: 42 }).incident_id).toBe('42');
	});

	it.each([
		['empty body', undefined, 'body', /empty/],
		['empty object', {}, 'body', /empty/],
		['null', null, 'body', /empty/],
		['array', [{ incident_id: 'x' }], 'body', /array/],
		['text', 'hello', 'body', /text, not JSON/],
		['unknown shape', { hello: 'world' }, 'body', /Alertmanager[\s\S]*Grafana[\s\S]*PagerDuty[\s\S]*Datadog[\s\S]*Opsgenie[\s\S]*incident_id/],
		['incident_id 0', { incident_id: 0 }, 'incident_id', /is 0/],
		['incident_id empty', { incident_id: '  ' }, 'incident_id', /empty/],
		['incident_id null', { incident_id: null }, 'incident_id', /missing/],
		['incident_id with a Slack mention', { incident_id: '<!channel> hi' }, 'incident_id', /not allowed/],
		['incident_id object', { incident_id: { a: 1 } }, 'incident_id', /not text/],
		['bad status', { incident_id: 'INC-1', status: 'burning' }, 'status', /firing/],
	])('%s', (_name, body, field, message) => {
		const error = rejection(body);
		expect(error.field).toBe(field);
		expect(error.message).toMatch(message);
		expect(error.message).toMatch(/Fix: /);
	});

	it('a webhook limited to some formats names only those', () => {
		const error = rejection(alertFixture('opsgenie-create'), { only: ['alertmanager'] });
		expect(error.message).toMatch(/Alertmanager/);
		expect(error.message).not.toMatch(/Opsgenie/);
	});

	it('every format names its documentation', () => {
		for (const f of ALERT_FORMATS) expect(f.docUrl).toMatch(/^https:\/\//);
	});
});

describe('shared helpers', () => {
	it('times: Go zero time is null, nanosecond fractions and epoch units are read', () => {
		expect(isoTime('0001-01-01T00:00:00Z')).toBeNull();
		expect(isoTime('2026-11-25T02:10:30.123456789Z')).toBe('2026-11-25T02:10:30.123Z');
		expect(isoTime(1795572630)).toBe(new Date(1795572630000).toISOString());
		expect(isoTime('1795572630000')).toBe(new Date(1795572630000).toISOString());
		expect(isoTime(1795572630000000000)).toBe(new Date(1795572630000).toISOString());
		expect(isoTime('yesterday')).toBeNull();
	});

	it('severity words', () => {
		expect([severityOf('page'), severityOf('Warning'), severityOf('P2'), severityOf('info'), severityOf('whatever')]).toEqual(['critical', 'medium', 'high', 'info', 'unknown']);
	});
});

describe('signatures', async () => {
	const { hmacHex, verifyGrafana, verifyPagerDuty } = await import('../../nodes/shared/alerts/signatures.ts');
	const raw = Buffer.from(JSON.stringify(alertFixture('pagerduty-triggered')));

	it('PagerDuty: any v1 signature of the raw body with a current secret passes (rotation); others fail (https://github.com/PagerDuty/developer-docs/blob/main/docs/webhooks/04-Signatures.md)', () => {
		const header = `v1=${hmacHex('old-secret', raw)},v1=${hmacHex('new-secret', raw)}`;
		expect(verifyPagerDuty(raw, header, ['new-secret']).ok).toBe(true);
		expect(verifyPagerDuty(raw, header, ['other']).ok).toBe(false);
		expect(verifyPagerDuty(Buffer.concat([raw, Buffer.from(' ')]), header, ['new-secret']).ok).toBe(false);
		expect(verifyPagerDuty(raw, undefined, ['new-secret'])).toMatchObject({ ok: false, reason: expect.stringMatching(/missing/) });
	});

	it('Grafana: HMAC of "timestamp:body" with a timestamp header, refused when old (https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/)', () => {
		const now = 1_800_000_000;
		const base = { secret: 's3cret', timestampRequired: true, maxAgeSeconds: 300, nowSeconds: now };
		const sig = hmacHex('s3cret', `${now - 10}:${raw.toString()}`);
		expect(verifyGrafana(raw, { ...base, signature: sig, timestamp: String(now - 10) }).ok).toBe(true);
		expect(verifyGrafana(raw, { ...base, signature: sig, timestamp: String(now - 9) }).ok).toBe(false);
		const old = hmacHex('s3cret', `${now - 900}:${raw.toString()}`);
		expect(verifyGrafana(raw, { ...base, signature: old, timestamp: String(now - 900) })).toMatchObject({ ok: false, reason: expect.stringMatching(/replay/) });
		expect(verifyGrafana(raw, { ...base, timestampRequired: false, signature: hmacHex('s3cret', raw) }).ok).toBe(true);
	});
});
