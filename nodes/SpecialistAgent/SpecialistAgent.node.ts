import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { specialistProperties } from './description.ts';
import { executeSpecialists } from './execute.ts';
import { listModelOptions } from '../shared/n8n/model-options.ts';
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
		credentials: [
			{ name: 'agentSwarmAnthropicApi', required: true, displayOptions: { show: { authentication: ['agentSwarmAnthropicApi'] } } },
			// The user's own n8n Anthropic credential, chosen explicitly under "Credential Type", so
			// nobody stores the key twice (issue 13). n8n's community lint flags any credential from
			// outside the package; here the reuse is the feature, and only the key and base URL are read.
			// eslint-disable-next-line @n8n/community-nodes/no-credential-reuse, @n8n/community-nodes/valid-credential-references
			{ name: 'anthropicApi', required: true, displayOptions: { show: { authentication: ['anthropicApi'] } } },
			{ name: 'agentSwarmRedisApi', required: true, displayOptions: { show: { budgetStore: ['redis'] } }, testedBy: 'agentSwarmRedisTest' },
		],
		properties: specialistProperties,
	};

	methods = { credentialTest: { agentSwarmRedisTest: testRedisCredential }, loadOptions: { listModels: listModelOptions } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await executeSpecialists(this)];
	}
}
