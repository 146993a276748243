import { describe, expect, it } from 'vitest';
import { runSpecialistNode } from '../helpers/engine.ts';
import { sampleIncident } from '../helpers/incident.ts';
import { TEST_KEY, useSimulator } from '../helpers/simulator.ts';

const INCIDENT_TEAM = ['incident.logs', 'incident.metrics', 'incident.code_changes', 'incident.infrastructure', 'incident.cost_impact'];

describe('Specialist Agent team in the n8n engine', () => {
	const { sim, url } = useSimulator({ defaultLatencyMs: 400 });
	const credentials = () => ({ apiKey: TEST_KEY, baseUrl: url() });
	const team = { mode: 'team', specialists: { specialist: INCIDENT_TEAM.map((role) => ({ role })) } };

	it('runs the five incident specialists concurrently and emits one item each', async () => {
		const { items, error } = await runSpecialistNode({ parameters: team, items: [sampleIncident()], credentials: credentials() });
		expect(error).toBeUndefined();
		expect(items!.map((i) => i.json.role)).toEqual(INCIDENT_TEAM);
		for (const item of items!) {
			expect(item.json.status).toBe('success');
			expect(item.json.findings).toMatchObject({ summary: expect.any(String), severity: expect.any(String) });
			expect(item.pairedItem).toEqual({ item: 0 });
		}
		const calls = sim.messageRequests();
		expect(calls).toHaveLength(5);
		// All five were in flight together: each started before any finished.
		const firstEnd = Math.min(...calls.map((c) => c.endedAt!));
		expect(calls.every((c) => c.startedAt < firstEnd)).toBe(true);
	});
});
