import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { coordinatorProperties } from './description.ts';
import { executeCoordinator } from './execute.ts';
import { agentCredentials, listModelOptions } from '../shared/n8n/model-options.ts';
import { testRedisCredential } from '../shared/redis/credential-test.ts';

// Not a tool (usableAsTool only takes true, and the lint rule wants it set): decides over all of a team's result items at once; a tool call brings one query, not a team.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class Coordinator implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Coordinator',
		name: 'coordinator',
		icon: { light: 'file:coordinator.svg', dark: 'file:coordinator.dark.svg' },
		group: ['transform'],
		// Saved workflows pin typeVersion 1; its output shapes are in shared/n8n/output-shapes.v1.ts.
		version: [1],
		defaultVersion: 1,
		subtitle: '={{ $parameter["mode"] }}',
		description: "Turns a Specialist Agent team's results into one decision: incident root cause, PR verdict or ranked savings",
		defaults: { name: 'Coordinator' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: agentCredentials,
		properties: coordinatorProperties,
	};

	methods = { credentialTest: { agentSwarmRedisTest: testRedisCredential }, loadOptions: { listModels: listModelOptions } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await executeCoordinator(this)];
	}
}
