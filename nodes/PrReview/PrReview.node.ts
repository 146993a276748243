import {
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { runPerItem } from '../shared/n8n/item-runner.ts';
import { testRedisCredential } from '../shared/redis/credential-test.ts';
import { OPERATIONS, operationNamed, outputsExpression, reviewProperties } from './actions/router.ts';

export class PrReview implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'PR Review',
		name: 'prReview',
		icon: { light: 'file:prReview.svg', dark: 'file:prReview.dark.svg' },
		group: ['transform'],
		// Saved workflows pin typeVersion 1; its output shapes are in shared/n8n/output-shapes.v1.ts.
		version: [1],
		defaultVersion: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'GitHub pull request review with Claude reviewers: which deliveries run, incremental plans, a merge gate decided in code, inline comments',
		defaults: { name: 'PR Review' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: outputsExpression() as `={{${string}}}`,
		credentials: [
			{
				name: 'agentSwarmRedisApi',
				required: true,
				displayOptions: { show: { store: ['redis'], operation: ['screen', 'record'] } },
				testedBy: 'agentSwarmRedisTest',
			},
		],
		properties: reviewProperties(),
	};

	methods = { credentialTest: { agentSwarmRedisTest: testRedisCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const value = this.getNodeParameter('operation', 0) as string;
		const operation = operationNamed(value);
		if (!operation) {
			throw new NodeOperationError(this.getNode(), `Operation "${value}" is not known. Fix: choose one of ${OPERATIONS.map((o) => o.name).join(', ')}`);
		}
		return runPerItem(this, (i, item, signal) => operation.execute(this, i, item, signal), { outputs: Math.max(1, operation.outputs.length) });
	}
}
