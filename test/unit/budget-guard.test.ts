import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bucketFor, toMicroUsd } from '../../nodes/shared/budget/budget.ts';
import { BudgetGuard } from '../../nodes/shared/budget/guard.ts';
import { SqliteLedger } from '../../nodes/shared/budget/sqlite-ledger.ts';
import { priceTable, ZERO_USAGE } from '../../nodes/shared/models/prices.ts';

const dir = mkdtempSync(join(tmpdir(), 'agent-swarm-guard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const guardWith = (maxUsd: number, extra: Partial<ConstructorParameters<typeof BudgetGuard>[0]> = {}) => {
	const ledger = new SqliteLedger(join(dir, `${++n}.sqlite`));
	const buckets = [bucketFor({ scope: '', window: 'execution', maxUsd }, new Date(), 'e')];
	return { ledger, buckets, guard: new BudgetGuard({ ledger, buckets, prices: priceTable(), onExceeded: 'refuse', ...extra }) };
};

describe('budget guard', () => {
	it('estimates the worst case from the price table: prompt at 3 chars/token plus Max Tokens of output', () => {
		const { guard } = guardWith(1);
		// Sonnet 5.5: 1,000 input tokens × $2/M + 4,096 output × $10/M.
		expect(guard.estimate('claude-sonnet-5-5', 1000, 4096)).toEqual({ tokens: 5096, microUsd: toMicroUsd(0.002 + 0.04096) });
	});

	it('settles the real cost and releases the rest of the reservation', async () => {
		const { guard, ledger, buckets } = guardWith(1);
		const hold = await guard.reserve({ model: 'claude-haiku-5-5', promptChars: 3000, maxTokens: 1000 });
		await guard.settle(hold, { ...ZERO_USAGE, input_tokens: 1000, output_tokens: 100 });
		expect((await ledger.usage([buckets[0].id]))[buckets[0].id]).toEqual({ usedTokens: 1100, usedMicroUsd: 150, reservedTokens: 0, reservedMicroUsd: 0 });
	});

	it('uses count_tokens when asked, and falls back to the size when it fails', async () => {
		// Size says 100 tokens; the API says 1,000,000 (Haiku: $0.10): a $0.05 budget refuses.
		const counted = guardWith(0.05, { countTokens: true });
		await expect(counted.guard.reserve({ model: 'claude-haiku-5-5', promptChars: 300, maxTokens: 10, countTokens: async () => 1_000_000 })).rejects.toMatchObject({ type: 'budget_exceeded' });
		const fallback = guardWith(0.05, { countTokens: true });
		await expect(fallback.guard.reserve({ model: 'claude-haiku-5-5', promptChars: 300, maxTokens: 10, countTokens: async () => Promise.reject(new Error('404')) })).resolves.toMatchObject({ model: 'claude-haiku-5-5' });
	});

	it('steps down deep → balanced → fast, and names the fix when nothing fits', async () => {
		const { guard } = guardWith(0.01, { onExceeded: 'stepDown' });
		expect((await guard.reserve({ model: 'claude-opus-5-5', promptChars: 300, maxTokens: 4096 })).model).toBe('claude-haiku-5-5');
		const refuse = guardWith(0.0001, { onExceeded: 'stepDown' });
		await expect(refuse.guard.reserve({ model: 'claude-opus-5-5', promptChars: 300, maxTokens: 4096 })).rejects.toThrow(/Not enough budget left.*allow stepping down a tier/);
	});

	it('cannot check a USD budget for a model without a price', () => {
		const { guard } = guardWith(1);
		expect(() => guard.estimate('my-private-model', 10, 10)).toThrow(/No price for model "my-private-model".*Price Overrides/);
	});

	it('keeps a settlement the store refused and settles it once the store is back', async () => {
		const { ledger, buckets } = guardWith(1);
		let down = false;
		const flaky = {
			reserve: ledger.reserve.bind(ledger),
			usage: ledger.usage.bind(ledger),
			reset: ledger.reset.bind(ledger),
			settle: (...args: Parameters<typeof ledger.settle>) => (down ? Promise.reject(new Error('connection lost')) : ledger.settle(...args)),
		};
		const guard = new BudgetGuard({ ledger: flaky, buckets, prices: priceTable(), onExceeded: 'refuse' });
		const hold = await guard.reserve({ model: 'claude-haiku-5-5', promptChars: 3000, maxTokens: 1000 });
		down = true;
		await expect(guard.settle(hold, { ...ZERO_USAGE, input_tokens: 1000, output_tokens: 100 })).rejects.toThrow('connection lost');
		expect(guard.pendingSettlements).toBe(1);
		expect((await ledger.usage([buckets[0].id]))[buckets[0].id].reservedMicroUsd).toBeGreaterThan(0);
		down = false;
		await guard.retryPending();
		expect(guard.pendingSettlements).toBe(0);
		expect((await ledger.usage([buckets[0].id]))[buckets[0].id]).toEqual({ usedTokens: 1100, usedMicroUsd: 150, reservedTokens: 0, reservedMicroUsd: 0 });
	});
});
