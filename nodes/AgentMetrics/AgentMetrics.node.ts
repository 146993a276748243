import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { testRedisCredential } from '../shared/redis/credential-test.ts';
import { agentMetricsProperties } from './description.ts';
import { executeAgentMetrics } from './execute.ts';

// Not a tool (usableAsTool only takes true, and the lint rule wants it set): counts and exports what agent nodes did; nothing an agent asks for mid-task.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class AgentMetrics implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Agent Metrics',
		name: 'agentMetrics',
		icon: { light: 'file:agentMetrics.svg', dark: 'file:agentMetrics.dark.svg' },
		group: ['output'],
		// Saved workflows pin typeVersion 1; its output shapes are in shared/n8n/output-shapes.v1.ts.
		version: [1],
		defaultVersion: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Prometheus metrics of the agents: record results, export for scraping, push to a Pushgateway',
		defaults: { name: 'Agent Metrics' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'agentSwarmRedisApi', required: true, displayOptions: { show: { store: ['redis'] } }, testedBy: 'agentSwarmRedisTest' }],
		properties: agentMetricsProperties,
	};

	methods = { credentialTest: { agentSwarmRedisTest: testRedisCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await executeAgentMetrics(this)];
	}
}
