import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { tokenBudgetProperties } from './description.ts';
import { executeTokenBudget } from './execute.ts';
import { testRedisCredential } from '../shared/redis/credential-test.ts';

export class TokenBudget implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Token Budget',
		name: 'tokenBudget',
		icon: { light: 'file:tokenBudget.svg', dark: 'file:tokenBudget.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Token and USD budgets per execution, day, month and key; route items by remaining budget',
		defaults: { name: 'Token Budget' },
		// A gate the workflow sets around model calls, not a tool an agent should call (or reset).
		usableAsTool: false,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{ $parameter["operation"] === "check" ? [{ type: "main", displayName: "Within Budget" }, { type: "main", displayName: "Over Budget" }] : [{ type: "main" }] }}`,
		credentials: [{ name: 'agentSwarmRedisApi', required: true, displayOptions: { show: { budgetStore: ['redis'] } }, testedBy: 'agentSwarmRedisTest' }],
		properties: tokenBudgetProperties,
	};

	methods = { credentialTest: { agentSwarmRedisTest: testRedisCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return executeTokenBudget(this);
	}
}
