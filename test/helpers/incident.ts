/** A small incident, the shape the example workflow receives. */
export function sampleIncident(id = 'INC-1001') {
	const logs = Array.from({ length: 60 }, (_, i) => {
		const ts = `2026-11-25T02:${String(10 + Math.floor(i / 6)).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}Z`;
		return i % 3 === 0
			? `${ts} ERROR [api] POST /checkout failed: connection pool exhausted (active=${50 + (i % 5)}, max=50)`
			: `${ts} INFO [api] GET /health 200 in ${3 + (i % 4)}ms`;
	}).join('\n');
	return {
		incident_id: id,
		logs,
		metrics: { p99_latency_ms: { baseline: 180, observed: 2400 }, error_rate: { baseline: 0.002, observed: 0.31 }, db_connections: { max: 50, observed: 50 } },
		recent_commits: [{ sha: 'a1b2c3d', author: 'dev', message: 'Reduce DB pool size to 50', at: '2026-11-25T01:55:00Z' }],
		infrastructure: { db: { primary: 'healthy', max_connections: 50 }, pods: { api: { ready: 6, desired: 6 } } },
		cost_data: { revenue_per_hour_usd: 42000, checkout_share: 0.6 },
	};
}
