import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { tokenBudgetCredentials, tokenBudgetProperties } from './description.ts';
import { executeTokenBudget } from './execute.ts';
import { testRedisCredential } from '../shared/redis/credential-test.ts';

// Not a tool (usableAsTool only takes true, and the lint rule wants it set): a gate the workflow sets around model calls; an agent should not call it (or reset it).
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class TokenBudget implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Token Budget',
		name: 'tokenBudget',
		icon: { light: 'file:tokenBudget.svg', dark: 'file:tokenBudget.dark.svg' },
		group: ['transform'],
		// Saved workflows pin typeVersion 1; its output shapes are in shared/n8n/output-shapes.v1.ts.
		version: [1],
		defaultVersion: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Token and USD budgets per execution, day, month and key; route items by remaining budget',
		defaults: { name: 'Token Budget' },
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{ $parameter["operation"] === "check" ? [{ type: "main", displayName: "Within Budget" }, { type: "main", displayName: "Over Budget" }] : [{ type: "main" }] }}`,
		credentials: tokenBudgetCredentials,
		properties: tokenBudgetProperties,
	};

	methods = { credentialTest: { agentSwarmRedisTest: testRedisCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return executeTokenBudget(this);
	}
}
