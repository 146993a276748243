import {
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { testPrometheusCredential } from '../shared/alerts/credential-tests.ts';
import { runPerItem } from '../shared/n8n/item-runner.ts';
import { evidenceProperties, OPERATIONS, operationNamed } from './actions/router.ts';

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
		properties: evidenceProperties(),
	};

	methods = { credentialTest: { agentSwarmPrometheusTest: testPrometheusCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const value = this.getNodeParameter('operation', 0) as string;
		const operation = operationNamed(value);
		if (!operation) {
			throw new NodeOperationError(this.getNode(), `Operation "${value}" is not known. Fix: choose one of ${OPERATIONS.map((o) => o.name).join(', ')}`);
		}
		return runPerItem(this, (i, item, signal) => operation.execute(this, i, item, signal), { concurrency: 4 });
	}
}
