/**
 * The agents' Prometheus metrics, on prom-client. One registry per n8n process (main or
 * worker): the Specialist Agent records into it while calls run, the Agent Metrics node
 * records results, exports, pushes or shares it through Redis.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Usage } from '../models/prices.ts';

export const DURATION_BUCKETS = [1, 5, 10, 30, 60, 120, 300];

export interface AgentMetrics {
	registry: Registry;
	tasks: Counter<'agent_id' | 'model' | 'status'>;
	duration: Histogram<'agent_id' | 'model'>;
	tokens: Counter<'agent_id' | 'model' | 'type'>;
	active: Gauge<'model'>;
	cost: Counter<'agent_id' | 'model'>;
	failures: Counter<'agent_id' | 'model' | 'error_type'>;
	retries: Counter<'agent_id' | 'model'>;
	repairs: Counter<'agent_id' | 'model'>;
	requests: Counter<'agent_id' | 'model'>;
}

export function createAgentMetrics(registry = new Registry()): AgentMetrics {
	const registers = [registry];
	return {
		registry,
		tasks: new Counter({ name: 'agent_tasks_total', help: 'Agent tasks finished, by outcome', labelNames: ['agent_id', 'model', 'status'], registers }),
		duration: new Histogram({
			name: 'agent_task_duration_seconds',
			help: 'Agent task duration in seconds, retries included',
			labelNames: ['agent_id', 'model'],
			buckets: DURATION_BUCKETS,
			registers,
		}),
		tokens: new Counter({
			name: 'agent_tokens_used_total',
			help: 'Tokens used, by type (input, output, cache_creation, cache_read)',
			labelNames: ['agent_id', 'model', 'type'],
			registers,
		}),
		active: new Gauge({ name: 'active_agents', help: 'Agent tasks in flight', labelNames: ['model'], registers }),
		cost: new Counter({ name: 'agent_cost_dollars_total', help: 'Cost in USD from the price table', labelNames: ['agent_id', 'model'], registers }),
		failures: new Counter({ name: 'agent_failures_total', help: 'Failed agent tasks, by error type', labelNames: ['agent_id', 'model', 'error_type'], registers }),
		retries: new Counter({ name: 'agent_retries_total', help: 'HTTP attempts beyond the first', labelNames: ['agent_id', 'model'], registers }),
		repairs: new Counter({ name: 'agent_repairs_total', help: 'Replies that needed the schema repair round', labelNames: ['agent_id', 'model'], registers }),
		requests: new Counter({
			name: 'agent_api_requests_total',
			help: 'HTTP requests sent to the Claude API (first tries, retries and repairs; none for a call the budget refused)',
			labelNames: ['agent_id', 'model'],
			registers,
		}),
	};
}

/** What a Specialist Agent or Coordinator output item says about one finished task. */
export interface TaskRecord {
	agent: string;
	model: string;
	status: string;
	durationMs: number;
	usage: Usage;
	costUsd: number | null;
	attempts: number;
	repairs: number;
	errorType?: string;
}

export function recordTask(m: AgentMetrics, t: TaskRecord): void {
	const labels = { agent_id: t.agent, model: t.model };
	m.tasks.inc({ ...labels, status: t.status });
	m.duration.observe(labels, t.durationMs / 1000);
	const types: Array<[string, number]> = [
		['input', t.usage.input_tokens],
		['output', t.usage.output_tokens],
		['cache_creation', t.usage.cache_creation_input_tokens],
		['cache_read', t.usage.cache_read_input_tokens],
	];
	for (const [type, n] of types) if (n > 0) m.tokens.inc({ ...labels, type }, n);
	if (t.costUsd) m.cost.inc(labels, t.costUsd);
	if (t.status !== 'success') m.failures.inc({ ...labels, error_type: t.errorType ?? 'unknown' });
	const retries = Math.max(0, t.attempts - 1 - t.repairs);
	if (retries > 0) m.retries.inc(labels, retries);
	if (t.repairs > 0) m.repairs.inc(labels, t.repairs);
	if (t.attempts > 0) m.requests.inc(labels, t.attempts);
}

/**
 * The task records in one output item: a specialist result is one task; a coordinator result
 * is the coordinator's own task (its specialists were recorded where they ran); a failed item
 * of either node counts as a failure. Missing or odd fields count as zero: recording never
 * throws. Anything else gives none (undefined).
 */
export function tasksInItem(json: Record<string, unknown>): TaskRecord[] | undefined {
	const errorType = (json.error as { type?: unknown } | undefined)?.type;
	const failed = json.status === 'failed' || json.status === 'insufficient_evidence';
	if (typeof json.agent === 'string' && (json.status === 'success' || failed)) {
		return [
			{
				agent: json.agent,
				model: String(json.model || 'unknown'),
				status: failed ? 'failed' : 'success',
				durationMs: num(json.durationMs),
				usage: usageOf(json.usage),
				costUsd: typeof json.costUsd === 'number' ? json.costUsd : null,
				attempts: num(json.attempts),
				repairs: num(json.repairs),
				errorType: typeof errorType === 'string' ? errorType : undefined,
			},
		];
	}
	if (typeof json.mode === 'string' || (failed && 'decision' in json)) {
		const line = ((json.cost as { coordinator?: Record<string, unknown> } | undefined)?.coordinator ?? {}) as Record<string, unknown>;
		if (json.status === 'success' && !json.model) return []; // decided in code: no model call to record
		return [
			{
				agent: 'coordinator',
				model: String(json.model || 'unknown'),
				status: json.status === 'success' ? 'success' : 'failed',
				durationMs: num(line.durationMs),
				usage: usageOf(line.usage),
				costUsd: typeof line.costUsd === 'number' ? line.costUsd : null,
				attempts: num(line.attempts),
				repairs: num(line.repairs),
				errorType: typeof errorType === 'string' ? errorType : json.status === 'insufficient_evidence' ? 'insufficient_evidence' : undefined,
			},
		];
	}
	return undefined;
}

function num(value: unknown): number {
	const n = Number(value);
	return Number.isFinite(n) && n > 0 ? n : 0;
}

function usageOf(value: unknown): Usage {
	const u = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
	return {
		input_tokens: num(u.input_tokens),
		output_tokens: num(u.output_tokens),
		cache_creation_input_tokens: num(u.cache_creation_input_tokens),
		cache_read_input_tokens: num(u.cache_read_input_tokens),
		cache_creation_1h_input_tokens: num(u.cache_creation_1h_input_tokens),
		thinking_tokens: num(u.thinking_tokens),
	};
}

/**
 * This process's metrics: one registry shared by every node of this package in it. Each node
 * is bundled on its own (dist/nodes/*), so a module-level object would exist once per node
 * file; the registry lives on globalThis under a registered symbol instead.
 */
const SHARED = Symbol.for('n8n-nodes-agent-swarm.agent-metrics');
export const processMetrics: AgentMetrics = ((globalThis as Record<symbol, AgentMetrics | undefined>)[SHARED] ??= createAgentMetrics());
