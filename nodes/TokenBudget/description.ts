import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';
import { credentialSlot } from '../shared/n8n/credential-slot.ts';
import { budgetRulesField, budgetStoreField } from '../shared/n8n/budget-fields.ts';
import { redisCredential, REDIS_STORES } from '../shared/n8n/store-fields.ts';

export const tokenBudgetCredentials: INodeCredentialDescription[] = [redisCredential('budgetStore')];

export const tokenBudgetProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'check',
		options: [
			{ name: 'Check', value: 'check', action: 'Check the budget', description: 'Route items to "Within Budget" or "Over Budget"' },
			{ name: 'Report', value: 'report', action: 'Report budget usage', description: 'Used, reserved and remaining per budget window' },
			{ name: 'Reset', value: 'reset', action: 'Reset budgets', description: "Clear the current windows' counters" },
		],
	},
	budgetStoreField,
	credentialSlot('redisCredential', { budgetStore: REDIS_STORES }),
	budgetRulesField(),
	{
		displayName: 'Estimated Cost (USD)',
		name: 'estimateUsd',
		type: 'number',
		default: 0,
		typeOptions: { numberPrecision: 4 },
		displayOptions: { show: { operation: ['check'] } },
		description: 'What the next steps will spend; the item is over budget if this would not fit',
	},
];
