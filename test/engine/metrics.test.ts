import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createAgentMetrics, processMetrics, recordTask, tasksInItem } from '../../nodes/shared/metrics/agent-metrics.ts';
import { aggregatedExposition, publishSnapshot } from '../../nodes/shared/metrics/shared-metrics.ts';
import { closeRedisConnections } from '../../nodes/shared/redis/connection.ts';
import { runChain, type ChainStep } from '../helpers/engine.ts';
import { sampleIncident } from '../helpers/incident.ts';
import { histogramCount, parseExposition, total } from '../helpers/prometheus.ts';
import { TEST_KEY, useSimulator } from '../helpers/simulator.ts';

const TEAM = ['incident.logs', 'incident.metrics', 'incident.code_changes', 'incident.infrastructure', 'incident.cost_impact'];
const PREFIX = `agentswarm-test-${randomUUID().slice(0, 8)}:`;
const redisCredentials = { host: '127.0.0.1', port: 6379, database: 0, keyPrefix: PREFIX };
const metricsStep = (operation: string, extra: Record<string, unknown> = {}): ChainStep => ({ name: `Metrics ${operation}`, type: 'agentMetrics', parameters: { operation, ...extra } });

describe('Agent Metrics in the n8n engine', () => {
	const { sim, url } = useSimulator();
	const credentials = () => ({ apiKey: TEST_KEY, baseUrl: url() });
	const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
	beforeEach(() => processMetrics.registry.resetMetrics());
	afterAll(async () => {
		const keys = await redis.keys(`${PREFIX}*`);
		if (keys.length) await redis.del(...keys);
		redis.disconnect();
		await closeRedisConnections();
	});

	it('after a fault-injected run the counters equal the calls the server saw', async () => {
		sim.script({ match: { contains: 'Metrics Analyst' }, times: 2, behaviour: { kind: 'error', status: 529 } });
		sim.script({ match: { contains: 'Logs Analyst' }, times: 1, behaviour: { kind: 'schema_invalid' } });
		sim.script({ match: { contains: 'Cost Impact Analyst' }, behaviour: { kind: 'error', status: 500 } });
		sim.script({ match: { contains: 'incident commander' }, times: 1, behaviour: { kind: 'error', status: 529 } });
		const { items, error } = await runChain({
			chain: [
				{ name: 'Specialists', type: 'specialistAgent', parameters: { mode: 'team', specialists: { specialist: TEAM.map((role) => ({ role })) }, options: { maxAttempts: 3, recordMetrics: true } }, continueOnFail: true },
				{ name: 'Coordinator', type: 'coordinator', parameters: { mode: 'incident', options: { maxAttempts: 3 } } },
				metricsStep('record'),
				metricsStep('export'),
			],
			items: [sampleIncident()],
			credentials: credentials(),
		});
		expect(error).toBeUndefined();
		expect(items![0].json.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
		const f = parseExposition(items![0].json.metrics as string);
		const calls = sim.messageRequests();
		// Every HTTP call is a task's first attempt, a retry or a repair.
		const tasks = total(f, 'agent_tasks_total');
		expect(tasks).toBe(6);
		expect(tasks + total(f, 'agent_retries_total') + total(f, 'agent_repairs_total')).toBe(calls.length);
		expect(total(f, 'agent_api_requests_total')).toBe(calls.length);
		expect(total(f, 'agent_tasks_total', { status: 'failed' })).toBe(1);
		expect(total(f, 'agent_failures_total', { agent_id: 'incident.cost_impact', error_type: 'server_error' })).toBe(1);
		expect(total(f, 'agent_repairs_total', { agent_id: 'incident.logs' })).toBe(1);
		expect(total(f, 'agent_retries_total', { agent_id: 'incident.metrics' })).toBe(2);
		expect(total(f, 'agent_tasks_total', { agent_id: 'coordinator', model: 'claude-opus-5-5', status: 'success' })).toBe(1);
		const served = (type: 'input_tokens' | 'output_tokens') => calls.reduce((n, c) => n + (c.usage?.[type] ?? 0), 0);
		expect(total(f, 'agent_tokens_used_total', { type: 'input' })).toBe(served('input_tokens'));
		expect(total(f, 'agent_tokens_used_total', { type: 'output' })).toBe(served('output_tokens'));
		expect(total(f, 'active_agents')).toBe(0);
		expect(histogramCount(items![0].json.metrics as string, 'agent_task_duration_seconds')).toBe(6);
	});

	it('shows calls in flight in active_agents while the Specialist Agent runs', async () => {
		sim.setDefaultLatency(400);
		const run = runChain({
			chain: [{ name: 'Specialists', type: 'specialistAgent', parameters: { mode: 'team', specialists: { specialist: TEAM.map((role) => ({ role })) }, options: { recordMetrics: true } } }],
			items: [sampleIncident()],
			credentials: credentials(),
		});
		await new Promise((r) => setTimeout(r, 200));
		const during = parseExposition(await processMetrics.registry.metrics());
		await run;
		sim.setDefaultLatency(0);
		expect(total(during, 'active_agents', { model: 'claude-haiku-5-5' })).toBe(3);
		expect(total(during, 'active_agents', { model: 'claude-sonnet-5-5' })).toBe(2);
		expect(total(parseExposition(await processMetrics.registry.metrics()), 'active_agents')).toBe(0);
	});

	it('never throws on an odd item: passes it through marked, and records a coordinator failure item', async () => {
		const odd = [{ foo: 1 }, { status: 'failed', decision: null, error: { type: 'input', message: 'x' } }, { agent: 'logs', status: 'failed', usage: 'garbage' }, {}];
		const { items, error } = await runChain({ chain: [metricsStep('record')], items: odd, credentials: credentials() });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(4);
		expect(items![0].json).toMatchObject({ foo: 1, metricsRecorded: false, metricsNote: expect.stringMatching(/Item 1 is not a Specialist Agent or Coordinator result/) });
		expect(items![1].json).toMatchObject({ status: 'failed', metricsRecorded: true });
		expect(items![2].json).toMatchObject({ agent: 'logs', metricsRecorded: true });
		expect(items!.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	});

	it('queue mode: workers publish to Redis and an export sums them all', async () => {
		const usage = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cache_creation_1h_input_tokens: 0, thinking_tokens: 0 };
		const result = { agent: 'logs', model: 'claude-haiku-5-5', status: 'success', findings: {}, usage, costUsd: 0.5, durationMs: 1000, attempts: 1 };
		const workerA = createAgentMetrics();
		const workerB = createAgentMetrics();
		for (let i = 0; i < 3; i++) recordTask(workerA, tasksInItem(result)![0]);
		for (let i = 0; i < 4; i++) recordTask(workerB, tasksInItem(result)![0]);
		const conn = new Redis({ host: '127.0.0.1', port: 6379 });
		await publishSnapshot(conn, PREFIX, workerA.registry, 'worker-a');
		await publishSnapshot(conn, PREFIX, workerB.registry, 'worker-b');
		conn.disconnect();
		// This process records one more through the node, then exports through Redis.
		const { items } = await runChain({
			chain: [metricsStep('record', { store: 'redis' }), metricsStep('export', { store: 'redis' })],
			items: [result],
			credentials: credentials(),
			redisCredentials,
		});
		const f = parseExposition(items![0].json.metrics as string);
		expect(items![0].json.processes).toBe(3);
		expect(total(f, 'agent_tasks_total')).toBe(8);
		expect(total(f, 'agent_cost_dollars_total')).toBeCloseTo(4);
		expect(histogramCount(items![0].json.metrics as string, 'agent_task_duration_seconds')).toBe(8);
		const direct = await aggregatedExposition(new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false }), PREFIX);
		expect(direct.processes).toBe(3);
	});

	it('pushes to a Pushgateway with this process as the instance', async () => {
		const received: Array<{ method: string; url: string; body: string }> = [];
		const gateway = createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				received.push({ method: req.method!, url: req.url!, body });
				res.writeHead(200).end();
			});
		});
		await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
		const port = (gateway.address() as { port: number }).port;
		recordTask(processMetrics, tasksInItem({ agent: 'logs', model: 'm', status: 'success', findings: {}, usage: { input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }, costUsd: 0, durationMs: 1, attempts: 1 })![0]);
		const { items } = await runChain({
			chain: [metricsStep('push', { pushgatewayUrl: `http://127.0.0.1:${port}`, jobName: 'swarm', groupings: { label: [{ name: 'team', value: 'sre' }] } })],
			items: [{}],
			credentials: credentials(),
		});
		gateway.close();
		expect(items![0].json).toMatchObject({ pushed: true, jobName: 'swarm' });
		expect(received).toHaveLength(1);
		expect(received[0].method).toBe('PUT');
		expect(received[0].url).toMatch(/^\/metrics\/job\/swarm\/instance\/[^/]+\/team\/sre$/);
		expect(received[0].body).toContain('agent_tasks_total{agent_id="logs",model="m",status="success"} 1');
	});
});
