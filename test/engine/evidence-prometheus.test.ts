/**
 * Evidence Fetch "Query Prometheus Around the Incident" in n8n's engine against a real
 * Prometheus (Debian's package) scraping a loopback target every second. The test raises the
 * target's CPU at a known time and its error ratio 4 s later: the condensed summary must name
 * both baselines, peaks and onsets (each within one scrape interval plus the query step of the
 * truth) and say that CPU moved first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUERIES } from '../../nodes/EvidenceFetch/actions/prometheus.operation.ts';
import { runChain } from '../helpers/engine.ts';
import { MetricsTarget, PrometheusServer } from '../helpers/prometheus-server.ts';
import { systemTool } from '../helpers/system-tools.ts';

const PROMETHEUS = systemTool('prometheus', ['/usr/bin/prometheus']);
const SCRAPE_S = 1;
const STEP_S = 0.1;

describe.skipIf(!PROMETHEUS)('Evidence Fetch: live evidence from a real Prometheus', () => {
	const prom = new PrometheusServer(PROMETHEUS!);
	// Truth, set by the test: when CPU and then the error ratio went up.
	let cpuAt = Infinity;
	let errorsAt = Infinity;
	const born = Date.now();
	const integral = (rateBefore: number, rateAfter: number, at: number, now: number) =>
		(Math.min(now, at) - born) / 1000 * rateBefore + Math.max(0, now - at) / 1000 * rateAfter;
	const target = new MetricsTarget(() => {
		const now = Date.now();
		const total = integral(200, 200, Infinity, now);
		const errors = integral(200 * 0.002, 200 * 0.3, errorsAt, now);
		return [
			'# TYPE checkout_error_ratio gauge',
			`checkout_error_ratio ${now >= errorsAt ? 0.3 : 0.002}`,
			'# TYPE http_requests_total counter',
			`http_requests_total{code="200"} ${(total - errors).toFixed(3)}`,
			`http_requests_total{code="500"} ${errors.toFixed(3)}`,
			'# TYPE process_cpu_seconds_total counter',
			`process_cpu_seconds_total ${integral(0.2, 0.95, cpuAt, now).toFixed(3)}`,
			'',
		].join('\n');
	});

	beforeAll(async () => {
		const address = await target.start();
		await prom.start('checkout-api', [address], SCRAPE_S);
		// 20 s of normal, then CPU rises, then 4 s later the error ratio; 10 s more of incident.
		await new Promise((r) => setTimeout(r, 20_000 + Math.random() * 1000));
		cpuAt = Date.now();
		await new Promise((r) => setTimeout(r, 4_000 + Math.random() * 1000));
		errorsAt = Date.now();
		await new Promise((r) => setTimeout(r, 10_000));
	}, 90_000);

	afterAll(async () => {
		await prom.stop();
		await target.stop();
	});

	const step = (parameters: Record<string, unknown>) => ({
		name: 'Evidence Fetch',
		type: 'evidenceFetch' as const,
		parameters: {
			operation: 'prometheus',
			prometheusUrl: prom.url,
			allowedHosts: prom.url,
			options: { lookbackMinutes: 1, stepSeconds: STEP_S, baselineGapMinutes: 0.1 },
			// The default queries with rate windows that suit a 1 s scrape (production uses [5m] at 15 s).
			queries: { query: DEFAULT_QUERIES.map((q) => ({ ...q, promql: q.promql.replaceAll('[5m]', '[3s]') })) },
			...parameters,
		},
	});

	it('the alert expression and the default queries, condensed: baselines, peaks, onsets and the leader', async () => {
		const startsAt = new Date(errorsAt + 3000).toISOString();
		const { items, error } = await runChain({
			chain: [step({})],
			items: [{ incident_id: 'AM-1', expr: 'checkout_error_ratio > 0.05', starts_at: startsAt, labels: { job: 'checkout-api' }, metrics: 'pasted: p99 2.4 s' }],
			credentials: {},
		});
		expect(error).toBeUndefined();
		const json = items![0].json as Record<string, any>;
		const text = json.metrics as string;
		expect(text.startsWith('pasted: p99 2.4 s\n\n')).toBe(true);
		const queries = json.prometheus.queries as Array<{ name: string; series?: Array<Record<string, any>>; threshold?: string; error?: unknown }>;
		const alert = queries.find((q) => q.name === 'alert expression')!;
		expect(alert.threshold).toBe('> 0.05');
		const ratio = alert.series![0];
		expect(ratio).toMatchObject({ baseline: 0.002, peak: 0.3, direction: 'up' });
		const onsetError = Date.parse(ratio.onset_at) - errorsAt;
		const cpu = queries.find((q) => q.name.startsWith('saturation'))!.series![0];
		const cpuError = Date.parse(cpu.onset_at) - cpuAt;
		console.log(`[figure] live evidence: error-ratio onset ${onsetError} ms after the truth, CPU onset ${cpuError} ms after the truth (scrape ${SCRAPE_S}s, step ${STEP_S}s)`);
		for (const e of [onsetError]) {
			expect(e).toBeGreaterThanOrEqual(-STEP_S * 1000);
			expect(e).toBeLessThanOrEqual((SCRAPE_S + STEP_S) * 1000);
		}
		// A rate over [5m] rises from the first scrape after the change, also within one interval.
		expect(cpuError).toBeGreaterThanOrEqual(-STEP_S * 1000);
		expect(cpuError).toBeLessThanOrEqual((SCRAPE_S * 2 + STEP_S) * 1000);
		expect(text).toContain('Alert expression: checkout_error_ratio (alert threshold > 0.05)');
		expect(text).toMatch(/Moved first: saturation \(CPU cores\) \(up from /);
		expect(text).toContain(`alert expression: baseline 0.002, peak 0.3 at`);
		expect(text).toContain(`deviation began ${ratio.onset_at}`);
		// The error-rate default query, filled with the incident's job label, moved too.
		expect(queries.find((q) => q.name === 'error rate')!.series![0]).toMatchObject({ direction: 'up' });
		expect(text).toContain('No data: p95 latency (s): the query matched no series in the window');
		expect(json.evidence.fetched).toEqual(['metrics']);
	});

	it('a Prometheus that is not allow-listed, a bad query and a missing label are listed, not fatal', async () => {
		const { items, error } = await runChain({
			chain: [step({ allowedHosts: 'https://prometheus.example.com', queries: { query: [{ name: 'by team', promql: 'up{team="$team"}' }] } })],
			items: [{ incident_id: 'AM-2', expr: 'rate(', labels: {} }],
			credentials: {},
		});
		expect(error).toBeUndefined();
		const json = items![0].json as Record<string, any>;
		expect(json.evidence.refused).toEqual([expect.objectContaining({ field: 'metrics', rule: 'host', source: 'prometheus: alert expression' })]);
		expect(json.metrics).toContain('Not available: by team: the incident has no "team" label');
		const bad = await runChain({ chain: [step({ queries: { query: [] } })], items: [{ incident_id: 'AM-3', expr: 'rate(' }], credentials: {} });
		expect(bad.items![0].json.metrics).toMatch(/Not available: alert expression: Prometheus refused the query \(HTTP 400, bad_data\)/);
	});
});
