import { describe, expect, it } from 'vitest';
import { createAgentMetrics, DURATION_BUCKETS, recordTask, tasksInItem } from '../../nodes/shared/metrics/agent-metrics.ts';
import { parseExposition, total } from '../helpers/prometheus.ts';

const usage = { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 50 };
const specialist = (status: string, extra: Record<string, unknown> = {}) => ({
	agent: 'logs',
	role: 'incident.logs',
	model: 'claude-haiku-5-5',
	status,
	findings: null,
	usage,
	costUsd: 0.001,
	durationMs: 2500,
	attempts: 3,
	repairs: 1,
	...extra,
});

describe('agent metrics', () => {
	it('exposes exactly the documented names, labels and buckets', async () => {
		const m = createAgentMetrics();
		recordTask(m, tasksInItem(specialist('success'))![0]);
		recordTask(m, tasksInItem(specialist('failed', { error: { type: 'timeout', message: 'x' } }))![0]);
		m.active.inc({ model: 'claude-haiku-5-5' });
		const f = parseExposition(await m.registry.metrics());
		expect(Object.keys(f).sort()).toEqual(
			['active_agents', 'agent_api_requests_total', 'agent_cost_dollars_total', 'agent_failures_total', 'agent_repairs_total', 'agent_retries_total', 'agent_task_duration_seconds', 'agent_tasks_total', 'agent_tokens_used_total'],
		);
		expect(f.agent_tasks_total.metrics.map((x) => x.labels)).toEqual([
			{ agent_id: 'logs', model: 'claude-haiku-5-5', status: 'success' },
			{ agent_id: 'logs', model: 'claude-haiku-5-5', status: 'failed' },
		]);
		expect(Object.keys(f.agent_task_duration_seconds.metrics[0].buckets!)).toEqual([...DURATION_BUCKETS.map(String), '+Inf']);
		expect(f.agent_task_duration_seconds.metrics[0].buckets!['5']).toBe('2');
		expect(total(f, 'agent_tokens_used_total', { type: 'input' })).toBe(200);
		expect(total(f, 'agent_tokens_used_total', { type: 'cache_read' })).toBe(100);
		expect(f.agent_tokens_used_total.metrics.some((x) => x.labels?.type === 'cache_creation')).toBe(false);
		expect(total(f, 'agent_cost_dollars_total')).toBeCloseTo(0.002);
		expect(total(f, 'agent_failures_total', { error_type: 'timeout' })).toBe(1);
		// 3 attempts = 1 first try + 1 repair + 1 retry.
		expect(total(f, 'agent_retries_total')).toBe(2);
		expect(total(f, 'agent_repairs_total')).toBe(2);
		expect(total(f, 'active_agents', { model: 'claude-haiku-5-5' })).toBe(1);
	});
	it('reads coordinator items as the coordinator task, and refuses other items', () => {
		const coordinator = { mode: 'incident', status: 'success', model: 'claude-opus-5-5', cost: { coordinator: { usage, costUsd: 0.01, attempts: 1, repairs: 0, durationMs: 900 } } };
		expect(tasksInItem(coordinator)).toEqual([expect.objectContaining({ agent: 'coordinator', model: 'claude-opus-5-5', status: 'success' })]);
		expect(tasksInItem({ ...coordinator, model: null })).toEqual([]);
		expect(tasksInItem({ hello: 1 })).toBeUndefined();
	});
});
