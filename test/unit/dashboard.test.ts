import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAgentMetrics } from '../../nodes/shared/metrics/agent-metrics.ts';

const dashboard = JSON.parse(readFileSync(join(__dirname, '../../grafana/agent-swarm-dashboard.json'), 'utf8'));

describe('Grafana dashboard', () => {
	it('is importable: a datasource input, unique panel ids, every panel on that datasource', () => {
		expect(dashboard.__inputs[0]).toMatchObject({ name: 'DS_PROMETHEUS', pluginId: 'prometheus' });
		const ids = dashboard.panels.map((p: { id: number }) => p.id);
		expect(new Set(ids).size).toBe(ids.length);
		for (const p of dashboard.panels) expect(p.datasource.uid).toBe('${DS_PROMETHEUS}');
	});
	it('has the required panels and queries only metrics this package exports', async () => {
		const titles = dashboard.panels.map((p: { title: string }) => p.title);
		for (const t of ['Task success rate', 'Active agents by model', 'P95 task duration', 'Token usage per hour', 'Cost per model (USD per hour)', 'Failures by error type']) {
			expect(titles).toContain(t);
		}
		const exported = (await createAgentMetrics().registry.getMetricsAsJSON()).map((m) => m.name);
		const used = dashboard.panels.flatMap((p: { targets: Array<{ expr: string }> }) => p.targets.flatMap((t) => (t.expr.match(/\b(agent_\w+|active_agents)\b/g) ?? []).filter((n) => n !== 'agent_id')));
		for (const name of used) expect(exported).toContain(name.replace(/_bucket$/, ''));
	});
});
