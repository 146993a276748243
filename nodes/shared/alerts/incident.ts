/**
 * The one incident shape every alert format is normalised into, and the small pure helpers the
 * formats share (times, severities, label maps, ids). No n8n imports: tested directly.
 */
import { createHash } from 'node:crypto';

export type AlertStatus = 'firing' | 'resolved';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info' | 'unknown';
/** What the workflow should do with a delivery: analyse it, record a resolution, or only acknowledge it. */
export type AlertAction = 'trigger' | 'resolve' | 'ignore';

export interface AlertEntry {
	status: AlertStatus;
	labels: Record<string, string>;
	annotations: Record<string, string>;
	starts_at: string | null;
	ends_at: string | null;
	fingerprint: string | null;
	generator_url: string | null;
	/** The PromQL expression that raised the alert, when the sender says it. */
	expr: string | null;
	values?: Record<string, unknown>;
}

export interface Incident {
	incident_id: string;
	/** Which format it came in: alertmanager, grafana, pagerduty, datadog, opsgenie, json. */
	source: string;
	status: AlertStatus;
	action: AlertAction;
	severity: Severity;
	service: string | null;
	title: string;
	labels: Record<string, string>;
	annotations: Record<string, string>;
	runbook_url: string | null;
	starts_at: string | null;
	ends_at: string | null;
	fingerprint: string;
	/** What identifies "the same incident" for repeats: the group key, PagerDuty incident id, alias... */
	group_key: string;
	alerts: AlertEntry[];
	/** The alert's own PromQL expression (generatorURL g0.expr, or an annotation). */
	expr: string | null;
	generator_url: string | null;
	external_url: string | null;
	/** The sender's event name (PagerDuty event_type, Opsgenie action, Datadog transition). */
	event: string | null;
	truncated_alerts: number;
	/** Where the incident lives in another system (the PagerDuty incident to write the report back to). */
	origin?: { system: 'pagerduty'; incident_id: string; html_url: string | null; number: number | null };
	/** Evidence pasted by the caller (our own format): logs, metrics, recent_commits, ... and *_url. */
	evidence?: Record<string, unknown>;
}

/** A delivery that cannot be turned into an incident; answered 400 with the field and the fix. */
export class AlertRejected extends Error {
	override name = 'AlertRejected';
	readonly type = 'input';

	readonly field: string;
	readonly fix: string;

	constructor(
		field: string,
		problem: string,
		fix: string,
	) {
		super(`${field}: ${problem}. Fix: ${fix}`);
		this.field = field;
		this.fix = fix;
	}
}

const SEVERITY_WORDS: Array<[Severity, RegExp]> = [
	['critical', /^(critical|crit|page|fatal|emergency|disaster|sev-?0|sev-?1|p0|p1)$/],
	['high', /^(high|error|err|major|sev-?2|p2)$/],
	['medium', /^(medium|warning|warn|moderate|average|sev-?3|p3)$/],
	['low', /^(low|minor|sev-?4|p4)$/],
	['info', /^(info|informational|information|notice|none|ok|sev-?5|p5)$/],
];

/** Maps a sender's severity or priority word onto ours; unknown words give 'unknown'. */
export function severityOf(value: unknown): Severity {
	if (typeof value !== 'string' && typeof value !== 'number') return 'unknown';
	const word = String(value).trim().toLowerCase();
	return SEVERITY_WORDS.find(([, pattern]) => pattern.test(word))?.[0] ?? 'unknown';
}

/**
 * An ISO time from RFC 3339 text (nanosecond fractions allowed) or an epoch number in seconds,
 * milliseconds, microseconds or nanoseconds. Go's zero time (`0001-01-01T00:00:00Z`, which
 * Alertmanager sends for "not ended") and anything unreadable give null.
 */
export function isoTime(value: unknown): string | null {
	if (value === null || value === undefined || value === '') return null;
	if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()))) {
		const n = Number(value);
		if (!Number.isFinite(n) || n <= 0) return null;
		const ms = n > 1e17 ? n / 1e6 : n > 1e14 ? n / 1e3 : n > 1e11 ? n : n * 1000;
		return new Date(ms).toISOString();
	}
	if (typeof value !== 'string') return null;
	// Date.parse reads at most milliseconds: drop the extra fraction digits Go writes.
	const text = value.trim().replace(/(\.\d{3})\d+/, '$1');
	const ms = Date.parse(text);
	if (!Number.isFinite(ms) || new Date(ms).getUTCFullYear() <= 1) return null;
	return new Date(ms).toISOString();
}

/** A label or annotation map with string values only (numbers and booleans kept as text). */
export function stringMap(value: unknown): Record<string, string> {
	if (!isObject(value)) return {};
	const out: Record<string, string> = {};
	for (const [key, v] of Object.entries(value)) {
		if (typeof v === 'string') out[key] = v;
		else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
	}
	return out;
}

/** Datadog-style tags (`"env:prod, service:checkout"` or an array) as a map. */
export function tagMap(tags: unknown): Record<string, string> {
	const list = Array.isArray(tags) ? tags.map(String) : typeof tags === 'string' ? tags.split(',') : [];
	const out: Record<string, string> = {};
	for (const tag of list.map((t) => t.trim()).filter(Boolean)) {
		const at = tag.indexOf(':');
		if (at > 0) out[tag.slice(0, at)] = tag.slice(at + 1);
		else out[tag] = '';
	}
	return out;
}

/** The `g0.expr` of a Prometheus graph link (Alertmanager's generatorURL). */
export function exprFromGeneratorUrl(url: unknown): string | null {
	if (typeof url !== 'string' || !URL.canParse(url)) return null;
	const expr = new URL(url).searchParams.get('g0.expr');
	return expr && expr.trim() ? expr : null;
}

/** Annotations that commonly carry an alert's query, in the order they are trusted. */
const EXPR_ANNOTATIONS = ['expr', 'promql', 'query', 'expression'];

export function exprOf(generatorUrl: unknown, annotations: Record<string, string>): string | null {
	const fromUrl = exprFromGeneratorUrl(generatorUrl);
	if (fromUrl) return fromUrl;
	const key = EXPR_ANNOTATIONS.find((k) => annotations[k]?.trim());
	return key ? annotations[key] : null;
}

/** A short stable id for a key (group keys can be long and hold quotes and braces). */
export function shortHash(text: string, length = 12): string {
	return createHash('sha256').update(text).digest('hex').slice(0, length);
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function text(value: unknown): string | null {
	if (typeof value === 'string') return value.trim() ? value : null;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

/** The first label naming the affected service, in the order teams usually set them. */
export const SERVICE_LABELS = ['service', 'service_name', 'app', 'application', 'app_kubernetes_io_name', 'job', 'namespace'];

export function serviceFrom(...maps: Array<Record<string, string>>): string | null {
	for (const key of SERVICE_LABELS) {
		for (const map of maps) if (map[key]?.trim()) return map[key];
	}
	return null;
}

export function runbookFrom(...maps: Array<Record<string, string>>): string | null {
	for (const key of ['runbook_url', 'runbook', 'runbookUrl', 'playbook']) {
		for (const map of maps) if (map[key]?.trim()) return map[key];
	}
	return null;
}
