/**
 * Live metrics from Prometheus: the alert's own expression (without its threshold) and a list
 * of PromQL queries filled from the incident's labels, each as a range query around the
 * incident's start, condensed in code (baseline, peak, onset, leading series) into a text
 * field for the metrics specialist. Pasted metrics are kept; the Prometheus summary follows.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import type { GuardedFetchOptions } from '../../shared/net/guarded-fetch.ts';
import { credentialSlot } from '../../shared/n8n/credential-slot.ts';
import { FetchRefused } from '../../shared/net/url-guard.ts';
import { ParameterError } from '../../shared/parameter-error.ts';
import { condenseSeries, distinguishingLabels, renderCondensed, seriesLabel, type Condensed } from '../../shared/prometheus/condense.ts';
import { fillTemplate, splitThreshold } from '../../shared/prometheus/promql.ts';
import { PrometheusError, queryRange, stepFor } from '../../shared/prometheus/query-range.ts';
import { allowListField, limitOptions, readGuard } from './guard-fields.ts';
import type { NodeOperation } from '../../shared/n8n/operations.ts';

/** Defaults for services exposing the usual HTTP server metrics; every team edits these. */
export const DEFAULT_QUERIES = [
	{ name: 'error rate', promql: 'sum(rate(http_requests_total{job="$job",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="$job"}[5m]))' },
	{ name: 'p95 latency (s)', promql: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="$job"}[5m])))' },
	{ name: 'saturation (CPU cores)', promql: 'sum(rate(process_cpu_seconds_total{job="$job"}[5m]))' },
];

const properties: INodeProperties[] = [
	{
		displayName: 'Prometheus URL',
		name: 'prometheusUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://prometheus.example.com:9090',
		description: 'Base URL of the Prometheus server (or a path prefix in front of its /api/v1); it must be on the allow-list',
	},
	allowListField,
	{
		displayName: 'Authentication',
		name: 'prometheusAuth',
		type: 'options',
		default: 'none',
		options: [
			{ name: 'None', value: 'none' },
			{ name: 'Agent Swarm Prometheus Credential', value: 'credential', description: 'Basic auth or a bearer token' },
		],
	},
	credentialSlot('prometheusCredential', { prometheusAuth: ['credential'] }),
	{
		displayName: 'Alert Expression',
		name: 'alertExpression',
		type: 'string',
		default: '={{ $json.expr }}',
		description: "The PromQL that raised the alert (Alert Intake reads it from the alert's generatorURL or an expr annotation). Its threshold is dropped so the series shows before and after. Empty: skipped.",
	},
	{
		displayName: 'Queries',
		name: 'queries',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: { query: DEFAULT_QUERIES },
		placeholder: 'Add Query',
		description: 'PromQL with $label placeholders filled from the incident ($service, $job, $instance, ... from its labels); a query whose label is missing is skipped and listed.',
		options: [
			{
				displayName: 'Query',
				name: 'query',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'PromQL', name: 'promql', type: 'string', default: '' },
				],
			},
		],
	},
	{ displayName: 'Incident Start', name: 'startsAt', type: 'string', default: '={{ $json.starts_at }}', description: 'ISO time the alert started; empty: now' },
	{ displayName: 'Into Field', name: 'field', type: 'string', default: 'metrics', description: 'Item field the summary goes into (after any pasted metrics)' },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Minutes Before Start', name: 'lookbackMinutes', type: 'number', default: 60, typeOptions: { minValue: 1 } },
			{ displayName: 'Step (Seconds)', name: 'stepSeconds', type: 'number', default: 15, typeOptions: { minValue: 0.001 }, description: 'Resolution of the range; raised when the window would exceed 11,000 points' },
			{ displayName: 'Baseline Gap (Minutes)', name: 'baselineGapMinutes', type: 'number', default: 5, description: 'The baseline is read from samples ending this long before the start' },
			{ displayName: 'Series per Query', name: 'maxSeries', type: 'number', default: 5, typeOptions: { minValue: 1 }, description: 'The most deviating series kept per query; the rest are counted' },
			...limitOptions.map((o) => (o.name === 'maxSizeMb' ? { ...o, default: 5 } : o)),
		],
	},
];

interface QueryResult {
	name: string;
	query: string;
	threshold?: string | null;
	series?: Condensed[];
	omitted?: number;
	skipped?: string;
	error?: { rule?: string; message: string };
}

export const prometheusOperation: NodeOperation = {
	value: 'prometheus',
	name: 'Query Prometheus Around the Incident',
	action: 'Query Prometheus around the incident',
	description: "Range-query the alert's expression and chosen PromQL around its start; baseline, peak and onset computed in code",
	properties,
	async execute(ctx, itemIndex, item, signal) {
		const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const guard = readGuard(ctx, itemIndex, options, { maxSizeMb: 5, timeoutSeconds: 15 }, signal);
		const baseUrl = String(ctx.getNodeParameter('prometheusUrl', itemIndex, '') ?? '').trim();
		if (!baseUrl) throw new ParameterError('Prometheus URL is empty. Fix: set the base URL of your Prometheus, e.g. https://prometheus.example.com:9090');
		const headers = await authHeaders(ctx, itemIndex);
		const field = String(ctx.getNodeParameter('field', itemIndex, 'metrics') || 'metrics');
		const now = Date.now();
		const startsAtText = String(ctx.getNodeParameter('startsAt', itemIndex, '') ?? '').trim();
		const startsAt = startsAtText ? Date.parse(startsAtText) : NaN;
		const anchor = Number.isFinite(startsAt) ? Math.min(startsAt, now) : now;
		const lookback = Number(options.lookbackMinutes ?? 60) * 60_000;
		const start = Math.floor((anchor - lookback) / 1000);
		const end = Math.ceil(now / 1000);
		const step = stepFor(start, end, Number(options.stepSeconds ?? 15));
		const maxSeries = Math.max(1, Number(options.maxSeries ?? 5));
		const values = templateValues(item.json);

		const planned = plan(ctx, itemIndex, values);
		const results = await Promise.all(
			planned.map(async (p): Promise<QueryResult> => {
				if ('skipped' in p) return p;
				const series = await queryRange({ baseUrl, query: p.query, start, end, stepSeconds: step, headers }, guard as GuardedFetchOptions).catch((error: unknown) => error);
				if (series instanceof FetchRefused) return { ...p, error: { rule: series.rule, message: series.message } };
				if (series instanceof PrometheusError) return { ...p, error: { message: series.message } };
				if (!Array.isArray(series)) throw new NodeOperationError(ctx.getNode(), series as Error, { itemIndex });
				{
					const distinct = distinguishingLabels(series);
					const condensed = series
						.map((s) => condenseSeries(p.query, seriesLabel(p.name, s.metric, distinct), s, { startsAt: Number.isFinite(startsAt) ? startsAt : undefined, baselineGapMs: Number(options.baselineGapMinutes ?? 5) * 60_000 }))
						.sort((a, b) => deviation(b) - deviation(a));
					return { ...p, series: condensed.slice(0, maxSeries), omitted: Math.max(0, condensed.length - maxSeries) };
				}
			}),
		);
		const header = [
			`Live metrics from Prometheus, ${iso(start)} to ${iso(end)} (step ${step}s)${Number.isFinite(startsAt) ? `; the alert started ${iso(startsAt / 1000)}` : ''}.`,
			...results.filter((r) => r.threshold).map((r) => `Alert expression: ${r.query} (alert threshold ${r.threshold})`),
			...results.filter((r) => r.skipped || r.error).map((r) => `Not available: ${r.name}: ${r.skipped ?? r.error!.message}`),
			...results.filter((r) => r.series?.length === 0).map((r) => `No data: ${r.name}: the query matched no series in the window`),
			...results.filter((r) => r.omitted).map((r) => `${r.name}: ${r.omitted} more series not shown (the ${maxSeries} most deviating are)`),
		];
		const summary = renderCondensed(results.flatMap((r) => r.series ?? []), header);
		const pasted = item.json[field];
		const json: IDataObject = { ...item.json };
		json[field] = hasText(pasted) ? `${typeof pasted === 'string' ? pasted : JSON.stringify(pasted)}\n\n${summary}` : summary;
		json.prometheus = { window: { start: iso(start), end: iso(end), step_seconds: step }, queries: results as unknown as IDataObject[] };
		const evidence = (item.json.evidence as IDataObject | undefined) ?? {};
		const failed = results.filter((r) => r.error).map((r) => ({ field, source: `prometheus: ${r.name}`, rule: r.error!.rule ?? 'prometheus', reason: r.error!.message }));
		json.evidence = {
			...evidence,
			fetched: [...new Set([...((evidence.fetched as string[]) ?? []), ...(results.some((r) => r.series) ? [field] : [])])].sort(),
			refused: [...((evidence.refused as IDataObject[]) ?? []), ...failed],
		};
		return json;
	},
};

type Planned = { name: string; query: string; threshold?: string | null } | { name: string; query: string; skipped: string };

function plan(ctx: IExecuteFunctions, itemIndex: number, values: Record<string, string>): Planned[] {
	const planned: Planned[] = [];
	const expr = String(ctx.getNodeParameter('alertExpression', itemIndex, '') ?? '').trim();
	if (expr) {
		const { series, threshold } = splitThreshold(expr);
		planned.push({ name: 'alert expression', query: series, threshold });
	}
	const queries = ((ctx.getNodeParameter('queries', itemIndex, {}) as IDataObject).query as Array<{ name?: string; promql?: string }> | undefined) ?? [];
	queries.forEach((q, n) => {
		const promql = String(q.promql ?? '').trim();
		if (!promql) return;
		const name = String(q.name ?? '').trim() || `query ${n + 1}`;
		const filled = fillTemplate(promql, values);
		planned.push('missing' in filled ? { name, query: promql, skipped: `the incident has no "${filled.missing}" label` } : { name, query: filled.query });
	});
	return planned;
}

/** Placeholder values: the incident's labels, then its service. */
function templateValues(json: IDataObject): Record<string, string> {
	const labels = (json.labels && typeof json.labels === 'object' ? json.labels : {}) as Record<string, unknown>;
	const values: Record<string, string> = {};
	for (const [k, v] of Object.entries(labels)) if (typeof v === 'string' && v) values[k] = v;
	if (typeof json.service === 'string' && json.service) values.service ??= json.service;
	return values;
}

async function authHeaders(ctx: IExecuteFunctions, itemIndex: number): Promise<Record<string, string>> {
	if (ctx.getNodeParameter('prometheusAuth', itemIndex, 'none') !== 'credential') return {};
	const c = await ctx.getCredentials('agentSwarmPrometheusApi', itemIndex);
	if (c.authentication === 'bearer') return { authorization: `Bearer ${String(c.token ?? '')}` };
	return { authorization: `Basic ${Buffer.from(`${String(c.username ?? '')}:${String(c.password ?? '')}`).toString('base64')}` };
}

function deviation(c: Condensed): number {
	if (c.onset_at === null || c.peak === null || c.baseline === null) return 0;
	return Math.abs(c.peak - c.baseline) / Math.max(Math.abs(c.baseline), 1e-9);
}

function hasText(value: unknown): boolean {
	if (typeof value === 'string') return value.trim() !== '' && !/^No \w+ data was provided/.test(value);
	return value !== undefined && value !== null && !(typeof value === 'object' && Object.keys(value).length === 0);
}

function iso(seconds: number): string {
	return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
