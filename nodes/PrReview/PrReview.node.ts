import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { operationProperties, outputsExpression, runOperation } from '../shared/n8n/operations.ts';
import { testRedisCredential } from '../shared/redis/credential-test.ts';
import { OPERATIONS, reviewCredentials } from './actions/router.ts';

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
		outputs: outputsExpression(OPERATIONS),
		credentials: reviewCredentials,
		properties: operationProperties(OPERATIONS),
	};

	methods = { credentialTest: { agentSwarmRedisTest: testRedisCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return runOperation(this, OPERATIONS);
	}
}
