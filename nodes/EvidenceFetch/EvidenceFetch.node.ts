import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { testPrometheusCredential } from '../shared/alerts/credential-tests.ts';
import { operationProperties, runOperation } from '../shared/n8n/operations.ts';
import { OPERATIONS } from './actions/router.ts';

export class EvidenceFetch implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Evidence Fetch',
		name: 'evidenceFetch',
		icon: { light: 'file:evidenceFetch.svg', dark: 'file:evidenceFetch.dark.svg' },
		group: ['input'],
		// Saved workflows pin typeVersion 1; its output shapes are in shared/n8n/output-shapes.v1.ts.
		version: [1],
		defaultVersion: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Fetch evidence for the agents from allow-listed sources only, with redirect, DNS and size checks',
		defaults: { name: 'Evidence Fetch' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'agentSwarmPrometheusApi', required: true, displayOptions: { show: { operation: ['prometheus'], prometheusAuth: ['credential'] } }, testedBy: 'agentSwarmPrometheusTest' },
			{ name: 'agentSwarmGitHubApi', required: true, displayOptions: { show: { operation: ['githubCommits'], githubAuth: ['credential'] } } },
		],
		properties: operationProperties(OPERATIONS),
	};

	methods = { credentialTest: { agentSwarmPrometheusTest: testPrometheusCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return runOperation(this, OPERATIONS, { concurrency: 4 });
	}
}
