/** n8n glue for Agent Metrics: record (pass-through), export, push. */
import { Pushgateway } from 'prom-client';
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { processMetrics, recordTask, tasksInItem } from '../shared/metrics/agent-metrics.ts';
import { aggregatedExposition, processId, publishSnapshot } from '../shared/metrics/shared-metrics.ts';
import { redisConnection, redisSettings, type RedisLike } from '../shared/redis/connection.ts';

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export async function executeAgentMetrics(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const shared = await sharedStore(ctx);
	if (operation === 'record') return record(ctx, items, shared);
	const paired = items.map((_, item) => ({ item }));
	if (operation === 'export') {
		if (!shared) {
			return [{ json: { contentType: EXPOSITION_CONTENT_TYPE, metrics: await processMetrics.registry.metrics(), processes: 1 }, pairedItem: paired }];
		}
		await publishSnapshot(shared.redis, shared.prefix, processMetrics.registry);
		const { text, processes } = await aggregatedExposition(shared.redis, shared.prefix);
		return [{ json: { contentType: EXPOSITION_CONTENT_TYPE, metrics: text, processes }, pairedItem: paired }];
	}
	if (operation === 'push') return [{ json: await push(ctx), pairedItem: paired }];
	throw new NodeOperationError(ctx.getNode(), `Operation "${operation}" is not known. Fix: choose Record, Export or Push`);
}

async function sharedStore(ctx: IExecuteFunctions): Promise<{ redis: RedisLike; prefix: string } | undefined> {
	if (ctx.getNodeParameter('store', 0, 'process') !== 'redis') return undefined;
	const settings = redisSettings(await ctx.getCredentials('agentSwarmRedisApi'));
	return { redis: redisConnection(settings), prefix: settings.keyPrefix };
}

async function record(ctx: IExecuteFunctions, items: INodeExecutionData[], shared?: { redis: RedisLike; prefix: string }) {
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const json = items[i].json;
		const tasks = tasksInItem(json);
		if (!tasks) {
			const message = `Item ${i + 1} is not a Specialist Agent or Coordinator result, so there is nothing to record. Fix: connect Agent Metrics after one of those nodes`;
			if (!ctx.continueOnFail()) throw new NodeOperationError(ctx.getNode(), message, { itemIndex: i });
			out.push({ json: { ...json, metricsError: message }, pairedItem: { item: i } });
			continue;
		}
		// A Specialist Agent with "Record Metrics" on has already counted its own results.
		if (!json.metricsRecorded) for (const task of tasks) recordTask(processMetrics, task);
		out.push({ json: { ...json, metricsRecorded: true }, pairedItem: { item: i } });
	}
	if (shared) await publishSnapshot(shared.redis, shared.prefix, processMetrics.registry);
	return out;
}

async function push(ctx: IExecuteFunctions): Promise<IDataObject> {
	const url = (ctx.getNodeParameter('pushgatewayUrl', 0) as string).trim();
	if (!/^https?:\/\//.test(url)) {
		throw new NodeOperationError(ctx.getNode(), `Pushgateway URL "${url}" is not an http(s) URL. Fix: e.g. http://pushgateway:9091`);
	}
	const jobName = (ctx.getNodeParameter('jobName', 0, 'n8n_agent_swarm') as string) || 'n8n_agent_swarm';
	const labels = ((ctx.getNodeParameter('groupings', 0, {}) as IDataObject).label as Array<{ name: string; value: string }> | undefined) ?? [];
	const groupings: Record<string, string> = { instance: processId() };
	for (const { name, value } of labels) if (name) groupings[name] = value;
	const gateway = new Pushgateway(url, { timeout: 10_000 }, processMetrics.registry);
	try {
		await gateway.push({ jobName, groupings });
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), `Push to ${url} failed: ${(error as Error).message}`);
	}
	return { pushed: true, url, jobName, groupings };
}
