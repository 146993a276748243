/** n8n glue for Token Budget: check (two outputs), report, reset; one runner for every item. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { fits, fromMicroUsd, toMicroUsd, type Bucket, type BucketUsage, type BudgetRule } from '../shared/budget/budget.ts';
import { bucketsFor, openLedger, readRules } from '../shared/n8n/budget-fields.ts';
import { runPerItem, toOutput } from '../shared/n8n/item-runner.ts';

export async function executeTokenBudget(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const ledger = await openLedger(ctx, ctx.getNodeParameter('budgetStore', 0, 'embedded') as string);
	return runPerItem(
		ctx,
		async (i, item) => {
			const rules = readRules(ctx, i);
			const buckets = bucketsFor(rules, ctx.getExecutionId());
			if (operation === 'reset') await ledger.reset(buckets.map((b) => b.id));
			const usage = await ledger.usage(buckets.map((b) => b.id));
			const lines = buckets.map((b, n) => reportLine(rules[n], b, usage[b.id]));
			const alert = lines.some((l) => l.alert);
			if (operation !== 'check') return { operation, alert, budgets: lines };
			const estimate = Number(ctx.getNodeParameter('estimateUsd', i, 0)) || 0;
			// Exactly at the limit is over: nothing more fits.
			const amount = { tokens: 1, microUsd: Math.max(1, toMicroUsd(estimate)) };
			const ok = buckets.every((b) => fits(b, usage[b.id], amount));
			return toOutput(ok ? 0 : 1, { ...item.json, budget: { within: ok, alert, budgets: lines } });
		},
		{ outputs: operation === 'check' ? 2 : 1, failureFields: (i) => ({ ...ctx.getInputData()[i].json }) },
	);
}

function reportLine(rule: BudgetRule, bucket: Bucket, u: BucketUsage): IDataObject {
	const usedUsd = fromMicroUsd(u.usedMicroUsd);
	return {
		scope: rule.scope || 'all',
		window: rule.window,
		bucket: bucket.id,
		limitUsd: rule.maxUsd ?? null,
		usedUsd,
		reservedUsd: fromMicroUsd(u.reservedMicroUsd),
		remainingUsd: rule.maxUsd === undefined ? null : Math.max(0, fromMicroUsd(bucket.maxMicroUsd! - u.usedMicroUsd - u.reservedMicroUsd)),
		limitTokens: rule.maxTokens ?? null,
		usedTokens: u.usedTokens,
		reservedTokens: u.reservedTokens,
		remainingTokens: rule.maxTokens === undefined ? null : Math.max(0, rule.maxTokens - u.usedTokens - u.reservedTokens),
		alertUsd: rule.alertUsd ?? null,
		alert: rule.alertUsd !== undefined && usedUsd >= rule.alertUsd,
	};
}
