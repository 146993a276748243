import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { specialistProperties } from './description.ts';
import { executeSpecialists } from './execute.ts';
import { agentCredentials, listModelOptions } from '../shared/n8n/model-options.ts';
import { testRedisCredential } from '../shared/redis/credential-test.ts';

export class SpecialistAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Specialist Agent',
		name: 'specialistAgent',
		icon: { light: 'file:specialistAgent.svg', dark: 'file:specialistAgent.dark.svg' },
		group: ['transform'],
		// Saved workflows pin typeVersion 1; its output shapes are in shared/n8n/output-shapes.v1.ts.
		version: [1],
		defaultVersion: 1,
		subtitle: '={{ $parameter["mode"] === "team" ? "Team" : $parameter["role"] }}',
		description: 'Claude specialists (incident, PR review, cloud cost or custom) that analyse each item in parallel',
		defaults: { name: 'Specialist Agent' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: agentCredentials,
		properties: specialistProperties,
	};

	methods = { credentialTest: { agentSwarmRedisTest: testRedisCredential }, loadOptions: { listModels: listModelOptions } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await executeSpecialists(this)];
	}
}
