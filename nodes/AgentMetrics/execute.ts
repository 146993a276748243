/** n8n glue for Agent Metrics: record (pass-through), export, push. */
import { Pushgateway } from 'prom-client';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { processMetrics, recordTask, tasksInItem } from '../shared/metrics/agent-metrics.ts';
import { runForAllItems, runPerItem } from '../shared/n8n/item-runner.ts';
import { OperationError } from '../shared/operation-error.ts';
import { ParameterError } from '../shared/parameter-error.ts';
import { aggregatedExposition, processId, publishSnapshot } from '../shared/metrics/shared-metrics.ts';
import { redisConnection, redisSettings, type RedisLike } from '../shared/redis/connection.ts';

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export async function executeAgentMetrics(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const shared = await sharedStore(ctx);
	if (operation === 'record') return record(ctx, shared);
	return runForAllItems(ctx, async () => {
		if (operation === 'push') return push(ctx);
		if (operation !== 'export') throw new ParameterError(`Operation "${operation}" is not known. Fix: choose Record, Export or Push`);
		if (!shared) return { contentType: EXPOSITION_CONTENT_TYPE, metrics: await processMetrics.registry.metrics(), processes: 1 };
		await publishSnapshot(shared.redis, shared.prefix, processMetrics.registry);
		const { text, processes } = await aggregatedExposition(shared.redis, shared.prefix);
		return { contentType: EXPOSITION_CONTENT_TYPE, metrics: text, processes };
	});
}

async function sharedStore(ctx: IExecuteFunctions): Promise<{ redis: RedisLike; prefix: string } | undefined> {
	if (ctx.getNodeParameter('store', 0, 'process') !== 'redis') return undefined;
	const settings = redisSettings(await ctx.getCredentials('agentSwarmRedisApi'));
	return { redis: redisConnection(settings), prefix: settings.keyPrefix };
}

/**
 * Records every item it can and passes every item through: an item with nothing to record (not
 * an agent result) is marked, never an error, so a report is never lost to its metrics.
 */
async function record(ctx: IExecuteFunctions, shared?: { redis: RedisLike; prefix: string }): Promise<INodeExecutionData[]> {
	const [out] = await runPerItem(ctx, async (i, item) => {
		const json = item.json;
		const tasks = tasksInItem(json);
		if (!tasks) {
			return { ...json, metricsRecorded: false, metricsNote: `Item ${i + 1} is not a Specialist Agent or Coordinator result; nothing was recorded` };
		}
		// A Specialist Agent with "Record Metrics" on has already counted its own results.
		if (!json.metricsRecorded) for (const task of tasks) recordTask(processMetrics, task);
		return { ...json, metricsRecorded: true };
	});
	if (shared) {
		try {
			await publishSnapshot(shared.redis, shared.prefix, processMetrics.registry);
		} catch (error) {
			// The items were recorded in this process; the shared snapshot is published again on the next run.
			for (const item of out) item.json.metricsWarning = `The shared metrics store could not be updated: ${(error as Error).message}`;
		}
	}
	return out;
}

async function push(ctx: IExecuteFunctions): Promise<IDataObject> {
	const url = (ctx.getNodeParameter('pushgatewayUrl', 0) as string).trim();
	if (!/^https?:\/\//.test(url)) {
		throw new ParameterError(`Pushgateway URL "${url}" is not an http(s) URL. Fix: e.g. http://pushgateway:9091`);
	}
	const jobName = (ctx.getNodeParameter('jobName', 0, 'n8n_agent_swarm') as string) || 'n8n_agent_swarm';
	const labels = ((ctx.getNodeParameter('groupings', 0, {}) as IDataObject).label as Array<{ name: string; value: string }> | undefined) ?? [];
	const groupings: Record<string, string> = { instance: processId() };
	for (const { name, value } of labels) if (name) groupings[name] = value;
	const gateway = new Pushgateway(url, { timeout: 10_000 }, processMetrics.registry);
	const failure = await gateway.push({ jobName, groupings }).then(
		() => undefined,
		(error: unknown) => error as Error,
	);
	if (failure) throw new OperationError('push_failed', `Push to ${url} failed: ${failure.message}`);
	return { pushed: true, url, jobName, groupings };
}
