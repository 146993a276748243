import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { specialistProperties } from './description.ts';
import { executeSpecialists } from './execute.ts';
import { testRedisCredential } from '../shared/redis/credential-test.ts';

export class SpecialistAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Specialist Agent',
		name: 'specialistAgent',
		icon: { light: 'file:specialistAgent.svg', dark: 'file:specialistAgent.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["mode"] === "team" ? "Team" : $parameter["role"] }}',
		description: 'Claude specialists (incident, PR review, cloud cost or custom) that analyse each item in parallel',
		defaults: { name: 'Specialist Agent' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'agentSwarmAnthropicApi', required: true },
			{ name: 'agentSwarmRedisApi', required: true, displayOptions: { show: { budgetStore: ['redis'] } }, testedBy: 'agentSwarmRedisTest' },
		],
		properties: specialistProperties,
	};

	methods = { credentialTest: { agentSwarmRedisTest: testRedisCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await executeSpecialists(this)];
	}
}
