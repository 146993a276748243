/**
 * Verifying the senders that sign their deliveries, over the raw body bytes:
 * - PagerDuty V3: `X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the body>[,v1=...]` (several
 *   during a secret rotation; any match is enough).
 *   https://github.com/PagerDuty/developer-docs/blob/main/docs/webhooks/04-Signatures.md
 * - Grafana webhook contact point with HMAC: hex HMAC-SHA256 of `timestamp + ":" + body` when a
 *   timestamp header is configured, else of the body; default header X-Grafana-Alerting-Signature.
 *   https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/
 * Comparisons are constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type Verdict = { ok: true } | { ok: false; reason: string };

export function verifyPagerDuty(rawBody: Buffer, header: string | undefined, secrets: string[]): Verdict {
	if (!header) return { ok: false, reason: 'the X-PagerDuty-Signature header is missing' };
	const offered = header
		.split(',')
		.map((s) => s.trim())
		.filter((s) => s.startsWith('v1='))
		.map((s) => s.slice(3));
	if (offered.length === 0) return { ok: false, reason: 'X-PagerDuty-Signature has no v1 signature' };
	const expected = secrets.filter(Boolean).map((secret) => hmacHex(secret, rawBody));
	return expected.some((e) => offered.some((o) => sameHex(e, o))) ? { ok: true } : { ok: false, reason: 'X-PagerDuty-Signature does not match the signing secret' };
}

export interface GrafanaCheck {
	secret: string;
	signature: string | undefined;
	/** Value of the configured timestamp header, when one is configured. */
	timestamp?: string;
	timestampRequired: boolean;
	maxAgeSeconds: number;
	nowSeconds: number;
}

export function verifyGrafana(rawBody: Buffer, check: GrafanaCheck): Verdict {
	if (!check.signature) return { ok: false, reason: 'the Grafana signature header is missing' };
	let signed = rawBody;
	if (check.timestampRequired) {
		if (!check.timestamp || !/^\d+$/.test(check.timestamp)) return { ok: false, reason: 'the Grafana timestamp header is missing' };
		if (Math.abs(check.nowSeconds - Number(check.timestamp)) > check.maxAgeSeconds) {
			return { ok: false, reason: `the Grafana timestamp is more than ${check.maxAgeSeconds} s away from now (a replay?)` };
		}
		signed = Buffer.concat([Buffer.from(`${check.timestamp}:`), rawBody]);
	}
	return sameHex(hmacHex(check.secret, signed), check.signature.trim()) ? { ok: true } : { ok: false, reason: 'the Grafana signature does not match the HMAC secret' };
}

export function hmacHex(secret: string, body: Buffer | string): string {
	return createHmac('sha256', secret).update(body).digest('hex');
}

function sameHex(a: string, b: string): boolean {
	const x = Buffer.from(a.toLowerCase());
	const y = Buffer.from(b.toLowerCase());
	return x.length === y.length && timingSafeEqual(x, y);
}
