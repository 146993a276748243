/**
 * Editor fields for budgets, shared by Token Budget, Specialist Agent and Coordinator, and the
 * code that turns them into a ledger and buckets.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { bucketFor, type Bucket, type BudgetRule, type Ledger } from '../budget/budget.ts';
import { BudgetGuard } from '../budget/guard.ts';
import type { PriceTable } from '../models/prices.ts';
import type { Tier } from '../models/tiers.ts';
import { ParameterError } from '../parameter-error.ts';
import { STORE_KINDS } from '../stores/store-kinds.ts';
import { openStoreKind, storeField, storeOptions } from './store-fields.ts';

/** For the Token Budget node: a budget is its whole point. */
export const budgetStoreField: INodeProperties = storeField({ displayName: 'Budget Store', name: 'budgetStore' });

/** For agent nodes: a budget is optional. */
export const optionalBudgetStoreField: INodeProperties = storeField({
	displayName: 'Budget Store',
	name: 'budgetStore',
	default: 'none',
	description: 'Reserve an estimate before each Claude call and settle the real cost after it',
	options: [{ name: 'No Budget', value: 'none' }, ...storeOptions()],
});

export const budgetRulesField = (show?: Record<string, string[]>): INodeProperties => ({
	displayName: 'Budgets',
	name: 'budgets',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: { budget: [{ window: 'day', maxUsd: 50 }] },
	placeholder: 'Add Budget',
	...(show ? { displayOptions: { show } } : {}),
	options: [
		{
			displayName: 'Budget',
			name: 'budget',
			// In the order a budget is set: its window, its limits, the alert, then its scope (not
			// alphabetical).
			// eslint-disable-next-line n8n-nodes-base/node-param-fixed-collection-type-unsorted-items
			values: [
				{
					displayName: 'Window',
					name: 'window',
					type: 'options',
					default: 'day',
					options: [
						{ name: 'Per Execution', value: 'execution' },
						{ name: 'Per Month (UTC)', value: 'month' },
						{ name: 'Per UTC Day', value: 'day' },
					],
				},
				{ displayName: 'Max USD', name: 'maxUsd', type: 'number', default: 0, typeOptions: { numberPrecision: 4 }, description: '0 = no USD limit' },
				{ displayName: 'Max Tokens', name: 'maxTokens', type: 'number', default: 0, description: '0 = no token limit' },
				{ displayName: 'Alert Above (USD)', name: 'alertUsd', type: 'number', default: 0, description: 'Flag items once spend in the window passes this; 0 = no alert' },
				{
					displayName: 'Scope Key',
					name: 'scope',
					type: 'string',
					default: '',
					placeholder: '={{ "team:" + $json.team }}',
					description: 'Empty: one budget for everything. Otherwise a key such as an agent, workflow or team.',
				},
			],
		},
	],
});

export const countTokensField = (show: Record<string, string[]>): INodeProperties => ({
	displayName: 'Estimate With Count Tokens',
	name: 'estimateWithCountTokens',
	type: 'boolean',
	default: false,
	displayOptions: { show },
	description: "Whether to ask the API's free count_tokens endpoint for each prompt's size before reserving (exact, one extra request) instead of estimating from its length",
});

export const onExceededField = (show: Record<string, string[]>): INodeProperties => ({
	displayName: 'When Budget Is Low',
	name: 'onBudgetExceeded',
	type: 'options',
	default: 'refuse',
	displayOptions: { show },
	options: [
		{ name: 'Refuse the Call', value: 'refuse', description: 'The agent fails with error type budget_exceeded' },
		{ name: 'Step Down a Tier', value: 'stepDown', description: 'Try a cheaper tier (deep → balanced → fast) before refusing' },
	],
});

const WITH_A_BUDGET = { budgetStore: STORE_KINDS.map((kind) => kind.value) };

/** An agent node's budget: the store (or none), and, once one is chosen, its rules and behaviour. */
export const agentBudgetFields: INodeProperties[] = [
	optionalBudgetStoreField,
	budgetRulesField(WITH_A_BUDGET),
	onExceededField(WITH_A_BUDGET),
	countTokensField(WITH_A_BUDGET),
];

/** Rules as entered; 0 means "no limit" in the editor. */
export function readRules(ctx: IExecuteFunctions, itemIndex: number): BudgetRule[] {
	const raw = ((ctx.getNodeParameter('budgets', itemIndex, {}) as IDataObject).budget as IDataObject[] | undefined) ?? [];
	if (raw.length === 0) throw new ParameterError('Budgets: none defined. Fix: add a budget with a window and a Max USD or Max Tokens');
	return raw.map((b) => ({
		scope: String(b.scope ?? '').trim(),
		window: (b.window as BudgetRule['window']) ?? 'day',
		maxTokens: Number(b.maxTokens) > 0 ? Number(b.maxTokens) : undefined,
		maxUsd: Number(b.maxUsd) > 0 ? Number(b.maxUsd) : undefined,
		alertUsd: Number(b.alertUsd) > 0 ? Number(b.alertUsd) : undefined,
	}));
}

export function bucketsFor(rules: BudgetRule[], executionId: string, now = new Date()): Bucket[] {
	return rules.map((rule) => bucketFor(rule, now, executionId));
}

export async function openLedger(ctx: IExecuteFunctions, store: string): Promise<Ledger> {
	const { kind, access } = await openStoreKind(ctx, store);
	return kind.ledger(access);
}

/** The budget guard for one item's calls, or undefined when the node has no budget. */
export async function readBudgetGuard(
	ctx: IExecuteFunctions,
	itemIndex: number,
	prices: PriceTable,
	tierModels: Partial<Record<Tier, string>> | undefined,
): Promise<BudgetGuard | undefined> {
	const store = ctx.getNodeParameter('budgetStore', itemIndex, 'none') as string;
	if (store === 'none') return undefined;
	return new BudgetGuard({
		ledger: await openLedger(ctx, store),
		buckets: bucketsFor(readRules(ctx, itemIndex), ctx.getExecutionId()),
		prices,
		onExceeded: ctx.getNodeParameter('onBudgetExceeded', itemIndex, 'refuse') as 'refuse' | 'stepDown',
		countTokens: ctx.getNodeParameter('estimateWithCountTokens', itemIndex, false) as boolean,
		tierModels,
	});
}
