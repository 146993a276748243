/**
 * Receive Alert, for one webhook item ({ headers, query, body } from n8n's Webhook node, and the
 * raw body as binary when the Webhook's "Raw Body" option is on): verify the signature where the
 * sender signs, normalise, decide new / repeat / resolved, and say what to answer the sender.
 */
import { type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { AlertRejected, ALERT_FORMATS, normaliseAlert } from '../shared/alerts/formats/index.ts';
import type { Incident } from '../shared/alerts/incident.ts';
import { decide, type Decision } from '../shared/alerts/once-per-incident.ts';
import { verifyGrafana, verifyPagerDuty, type Verdict } from '../shared/alerts/signatures.ts';
import { toOutput, type ItemOutput } from '../shared/n8n/item-runner.ts';
import { ParameterError } from '../shared/parameter-error.ts';
import type { OnceStore } from '../shared/stores/once-store.ts';

const OUT = { new: 0, repeat: 1, resolved: 2, rejected: 3 } as const;

export interface IntakeSettings {
	formats: string[];
	defaultService: string;
	once: boolean;
	windowMs: number;
	/** How long a claim holds until the run records its outcome. */
	claimMs: number;
	store: () => Promise<OnceStore>;
	signatures?: SignatureSecrets;
	rawBodyProperty: string;
	maxSignatureAgeSeconds: number;
}

export interface SignatureSecrets {
	pagerDuty: string[];
	grafana?: string;
	grafanaSignatureHeader: string;
	grafanaTimestampHeader?: string;
}

export async function intakeItem(ctx: IExecuteFunctions, itemIndex: number, item: INodeExecutionData, settings: IntakeSettings): Promise<ItemOutput> {
	const receivedAt = new Date().toISOString();
	const headers = lowerCaseKeys(item.json.headers);
	const wait = String((item.json.query as IDataObject | undefined)?.wait ?? '') === 'true';
	const raw = await rawBody(ctx, itemIndex, item, settings.rawBodyProperty);
	const body = raw ? parseRaw(raw) : item.json.body;
	const incident = attempt(() => normaliseAlert(body, { defaultService: settings.defaultService || undefined, only: settings.formats }));
	if (incident instanceof AlertRejected) return rejected(400, incident, settings.formats);
	// The item runner turns these into the node's error (with the item) or a failed item.
	if (incident instanceof Error) throw incident;
	if (settings.signatures) {
		const verdict = verify(incident.source, raw, headers, settings);
		if (!verdict.ok) return rejected(401, new AlertRejected('signature', verdict.reason, signatureFix(incident.source)), settings.formats);
	}
	const decision = await (settings.once ? settings.store().then((store) => decide(store, incident, settings.windowMs, new Date(), settings.claimMs)) : decideWithoutState(incident)).catch((error: unknown) => error as Error);
	if (decision instanceof ParameterError) throw decision;
	if (decision instanceof Error) {
		// The store is down: say so before anything is accepted, so the sender retries later.
		return toOutput(OUT.rejected, {
			incident: incident as unknown as IDataObject,
			intake: {
				outcome: 'unavailable',
				http_status: 503,
				error: decision.message,
				response: {
					incident_id: incident.incident_id,
					status: 'unavailable',
					error: { message: 'The incident state store (once per incident) could not be reached; nothing was analysed. Retry later.' },
				},
			},
		});
	}
	return route(incident, decision, wait, receivedAt);
}

function route(incident: Incident, decision: Decision, wait: boolean, receivedAt: string): ItemOutput {
	const { evidence, ...fields } = incident;
	const base = { ...fields, ...(evidence ?? {}), received_at: receivedAt } as unknown as IDataObject;
	const id = incident.incident_id;
	switch (decision.outcome) {
		case 'new':
			return toOutput(OUT.new, {
				...base,
				report_id: decision.claim.report_id,
				wait,
				intake: {
					outcome: 'new',
					http_status: 202,
					response: { incident_id: id, report_id: decision.claim.report_id, source: incident.source, status: 'accepted', message: 'Analysis started; the report will be posted and stored' },
				},
			});
		case 'repeat': {
			const e = decision.earlier;
			return toOutput(OUT.repeat, {
				...base,
				report_id: e.report_id,
				wait,
				intake: {
					outcome: 'repeat',
					http_status: 200,
					earlier: e as unknown as IDataObject,
					response: {
						incident_id: id,
						report_id: e.report_id,
						status: 'duplicate',
						state: e.state,
						first_seen: e.first_seen,
						message: `Already ${e.state === 'analysing' ? 'being analysed' : `analysed (${e.state})`} since ${e.first_seen}; no new analysis`,
					},
				},
			});
		}
		case 'ignored':
			return toOutput(OUT.repeat, {
				...base,
				report_id: decision.earlier?.report_id ?? null,
				wait,
				intake: {
					outcome: 'ignored',
					http_status: 200,
					response: { incident_id: id, status: 'ignored', event: incident.event, message: `${incident.event ?? 'This event'} needs no analysis` },
				},
			});
		case 'resolved':
			return toOutput(OUT.resolved, {
				...base,
				report_id: decision.earlier?.report_id ?? null,
				resolved_after_minutes: decision.resolved_after_minutes,
				wait,
				intake: {
					outcome: 'resolved',
					http_status: 200,
					earlier: (decision.earlier ?? null) as unknown as IDataObject,
					response: {
						incident_id: id,
						report_id: decision.earlier?.report_id ?? null,
						status: 'resolved',
						resolved_after_minutes: decision.resolved_after_minutes,
						message: 'Resolution recorded; no analysis',
					},
				},
			});
	}
}

async function decideWithoutState(incident: Incident): Promise<Decision> {
	if (incident.action === 'ignore') return { outcome: 'ignored', earlier: null };
	if (incident.action === 'resolve') {
		const minutes = incident.starts_at && incident.ends_at ? Math.round((Date.parse(incident.ends_at) - Date.parse(incident.starts_at)) / 60_000) : null;
		return { outcome: 'resolved', earlier: null, resolved_after_minutes: minutes };
	}
	const { randomUUID } = await import('node:crypto');
	return { outcome: 'new', claim: { report_id: `RPT-${randomUUID()}`, incident_id: incident.incident_id, first_seen: new Date().toISOString(), starts_at: incident.starts_at, state: 'analysing' } };
}

function rejected(status: number, error: AlertRejected, formats: string[]): ItemOutput {
	return toOutput(OUT.rejected, {
		incident: null,
		intake: {
			outcome: 'rejected',
			http_status: status,
			response: {
				status: 'rejected',
				error: { field: error.field, message: error.message, fix: error.fix },
				accepted_formats: ALERT_FORMATS.filter((f) => formats.includes(f.name)).map((f) => ({ name: f.name, sender: f.label, documentation: f.docUrl })),
			},
		},
	});
}

function verify(source: string, raw: Buffer | undefined, headers: Record<string, string>, settings: IntakeSettings): Verdict {
	const secrets = settings.signatures!;
	if (source === 'pagerduty' && secrets.pagerDuty.length) {
		if (!raw) throw new ParameterError(rawBodyMissing());
		return verifyPagerDuty(raw, headers['x-pagerduty-signature'], secrets.pagerDuty);
	}
	if (source === 'grafana' && secrets.grafana) {
		if (!raw) throw new ParameterError(rawBodyMissing());
		const timestampHeader = secrets.grafanaTimestampHeader?.toLowerCase();
		return verifyGrafana(raw, {
			secret: secrets.grafana,
			signature: headers[secrets.grafanaSignatureHeader.toLowerCase()],
			timestamp: timestampHeader ? headers[timestampHeader] : undefined,
			timestampRequired: Boolean(timestampHeader),
			maxAgeSeconds: settings.maxSignatureAgeSeconds,
			nowSeconds: Math.floor(Date.now() / 1000),
		});
	}
	return { ok: true };
}

function signatureFix(source: string): string {
	return source === 'pagerduty'
		? "use the signing secret PagerDuty showed when the webhook subscription was created (credential 'Agent Swarm Alert Signatures')"
		: "set the same HMAC secret (and timestamp header) on Grafana's webhook contact point and in credential 'Agent Swarm Alert Signatures'";
}

function rawBodyMissing(): string {
	return 'Verify Signatures needs the raw request body. Fix: turn on "Raw Body" in the Webhook node\'s options';
}

async function rawBody(ctx: IExecuteFunctions, itemIndex: number, item: INodeExecutionData, property: string): Promise<Buffer | undefined> {
	if (!property || !item.binary?.[property]) return undefined;
	return ctx.helpers.getBinaryDataBuffer(itemIndex, property);
}

/** The raw body as the sender sent it: JSON when it parses, else the text (rejected as not JSON). */
function parseRaw(raw: Buffer): unknown {
	const text = raw.toString('utf8');
	if (!text.trim()) return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function lowerCaseKeys(value: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : String(v);
	return out;
}


/** The result of `work`, or the error it threw (returned, not thrown, so the caller routes it). */
function attempt<T>(work: () => T): T | Error {
	try {
		return work();
	} catch (error) {
		return error instanceof Error ? error : new Error(String(error));
	}
}
