import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFocusCsv, generateFocusRows, header } from '../../bench/focus-generator.ts';
import { spendOverview } from '../../nodes/shared/coordinator/cost-ranking.ts';
import { aggregateFocusRows, aggregateFocusText, billingBrief, billingFacts, readBillingInput, renderFocusBrief } from '../../nodes/shared/finops/focus.ts';

const SAMPLE = readFileSync(join(__dirname, '../fixtures/focus/focus_sample_1.0.csv'), 'utf8');
const day = (d: number) => `2024-09-${String(d).padStart(2, '0')}T00:00:00Z`;
const row = (over: Record<string, unknown>) => ({
	ProviderName: 'AWS',
	ServiceName: 'Amazon Elastic Compute Cloud',
	ServiceCategory: 'Compute',
	ResourceId: 'i-1',
	ResourceType: 'instance',
	SubAccountId: 'acct-1',
	ChargeCategory: 'Usage',
	PricingCategory: 'Standard',
	PricingUnit: 'Hours',
	CommitmentDiscountId: '',
	ChargeDescription: '',
	ChargePeriodStart: day(1),
	BilledCost: '1',
	EffectiveCost: '1',
	BillingCurrency: 'USD',
	...over,
});

describe('FOCUS aggregation of the real FOCUS 1.0 sample', () => {
	const a = aggregateFocusText(SAMPLE);
	const all = a.summaries.find((s) => s.scope === 'all')!;

	it('reads every row, keeps NULL as empty and totals exactly', () => {
		expect(a.rows).toMatchObject({ read: 1000, accepted: 1000, rejected: 0 });
		expect(a.totals).toHaveLength(1);
		// Independent sum over the file's BilledCost column, in integer units of 1e-11.
		const lines = SAMPLE.trim().split('\n').slice(1);
		const units = lines.reduce((n, l) => n + BigInt(l.split(',')[1].replace('.', '')), 0n);
		const scale = 10n ** 11n;
		expect(a.totals[0].billed).toBe(`${units / scale}.${(units % scale).toString().padStart(11, '0').replace(/0+$/, '')}`);
		expect(a.totals[0].billed).toBe('20.52022672899');
		expect(all.byProvider.map((p) => p.provider)).toEqual(['AWS', 'Microsoft', 'Oracle']);
		expect(a.period).toEqual({ from: '2024-09-01', to: '2024-09-30', days: 30 });
	});

	it('splits by cloud: AWS and Azure rows to their specialists, none for GCP', () => {
		const rows = (cloud: string) => a.summaries.find((s) => s.scope === cloud)?.rows ?? 0;
		expect([rows('aws'), rows('azure'), rows('gcp')]).toEqual([942, 51, 0]);
		const aws = a.summaries.find((s) => s.scope === 'aws')!;
		expect(aws.topServices[0]).toMatchObject({ service: 'Amazon Elastic Compute Cloud' });
		// Every cloud's week ends at the newest charge of the whole export.
		const azure = a.summaries.find((s) => s.scope === 'azure')!;
		expect(azure.weekOverWeek!.thisWeek).toMatchObject({ from: aws.weekOverWeek!.thisWeek.from, to: aws.weekOverWeek!.thisWeek.to });
	});

	it('reports billed and effective cost split by charge category', () => {
		expect(a.totals[0].byCategory.map((c) => [c.category, c.billed, c.effective])).toEqual([
			['Usage', '22.86192672899', '17.97651418586'],
			['Adjustment', '0.272', '0'],
			['Credit', '-2.6137', '-3'],
		]);
		expect(a.totals[0].effective).toBe('14.97651418586');
	});

	it('renders a brief within its size budget that says where its numbers come from', () => {
		const brief = renderFocusBrief(a, 'aws');
		expect(brief).toMatch(/aggregated in code from 1000 of 1000 rows \(export 2024-09-01 to 2024-09-30\), FOCUS 1\.0 columns/);
		expect(brief).toMatch(/## AWS in USD: 942 rows, 2024-09-01 to 2024-09-30 \(30 days\)/);
		expect(brief).toMatch(/Week over week \(billed\): .* \+8\.5%/);
		expect(brief).toMatch(/By charge category \(billed \/ effective\): Usage/);
		expect(brief).toMatch(/Savings candidates found by rules/);
		expect(renderFocusBrief(a, 'all', 400).length).toBeLessThanOrEqual(400);
		expect(renderFocusBrief(a, 'gcp')).toMatch(/No GCP rows in this export/);
	});
});

describe('the shared aggregate as a specialist input', () => {
	it('is read back from its JSON (as n8n passes it) without reading the export again', () => {
		const aggregate = aggregateFocusText(SAMPLE);
		const asInput = JSON.stringify({ focus: aggregate }, null, 1);
		expect(readBillingInput(asInput)).toEqual(aggregate);
		const viaJson = billingBrief(JSON.stringify(aggregate), 'aws', 20_000);
		const viaCsv = billingBrief(SAMPLE, 'aws', 20_000);
		expect(viaJson).toEqual(viaCsv);
		expect(() => readBillingInput('{"kind":"focus-aggregate","version":9}')).toThrow(/not one this version reads.*Fix/);
	});
});

describe('week over week', () => {
	it('compares the last seven days of data with the seven before', () => {
		const a = aggregateFocusRows([row({ ChargePeriodStart: day(10), BilledCost: '10' }), row({ ChargePeriodStart: day(20), BilledCost: '11.5' }), row({ ChargePeriodStart: day(2), BilledCost: '99' })]);
		expect(a.summaries[0].weekOverWeek).toEqual({
			thisWeek: { from: '2024-09-14', to: '2024-09-20', spend: 11.5 },
			lastWeek: { from: '2024-09-07', to: '2024-09-13', spend: 10 },
			changePct: 15,
		});
		expect(aggregateFocusRows([row({ ChargePeriodStart: day(20) })]).summaries[0].weekOverWeek!.changePct).toBeNull();
	});
});

describe('savings candidates by rule', () => {
	it('finds missing commitments, orphaned disks, idle provisioned resources and egress', () => {
		const steady = Array.from({ length: 10 }, (_, i) => row({ ResourceId: 'i-steady', ChargePeriodStart: day(i + 1) }));
		const rare = row({ ResourceId: 'i-rare', ChargePeriodStart: day(3) });
		const orphan = row({ ResourceId: 'vol-1', ResourceType: 'volume', ServiceCategory: 'Storage', PricingUnit: 'GB-Months', SubAccountId: 'acct-empty', BilledCost: '0.5' });
		const attached = row({ ResourceId: 'vol-2', ResourceType: 'volume', ServiceCategory: 'Storage', PricingUnit: 'GB-Months', BilledCost: '0.4' });
		const nat = row({ ResourceId: 'nat-1', ResourceType: '', ServiceCategory: 'Networking', BilledCost: '0.3' });
		const busyLb = [row({ ResourceId: 'lb-1', ServiceCategory: 'Networking', ResourceType: '' }), row({ ResourceId: 'lb-1', ServiceCategory: 'Networking', PricingUnit: 'LCU-Hours', ResourceType: '' })];
		const egress = row({ ResourceId: '', ChargeDescription: '$0.09 per GB - data transfer out', PricingUnit: 'GB', BilledCost: '2' });
		const a = aggregateFocusRows([...steady, rare, orphan, attached, nat, ...busyLb, egress]);
		const found = a.summaries.find((s) => s.scope === 'aws')!.candidates;
		const kinds = Object.fromEntries(found.map((c) => [c.resourceId || c.kind, c.kind]));
		expect(kinds).toMatchObject({ 'i-steady': 'commitment', 'vol-1': 'orphaned', 'nat-1': 'idle', network: 'network' });
		expect(kinds['i-rare']).toBeUndefined();
		expect(kinds['lb-1']).toBeUndefined();
		// vol-2 lives next to instances: only provisioned capacity, so idle at most, never orphaned.
		expect(kinds['vol-2']).toBe('idle');
		expect(found.map((c) => c.spend)).toEqual([...found.map((c) => c.spend)].sort((x, y) => y - x));
	});
});

describe('spend overview for the coordinator', () => {
	it("totals the specialists' exact figures and names providers no specialist covered", () => {
		const a = aggregateFocusText(SAMPLE);
		const outcomes = ['aws', 'gcp', 'azure'].map((cloud) => ({ agent: cloud, role: `cost.${cloud}`, status: 'success' as const, findings: {}, input: { billing: billingFacts(a, cloud) } }));
		const overview = spendOverview(outcomes)!;
		expect(overview.currency).toBe('USD');
		expect(overview.analysedSpend).toBeCloseTo(18.0066 + 1.9765, 2);
		expect(overview.exportSpend).toBeCloseTo(20.52, 2);
		expect(overview.notAnalysed.map((p) => p.provider)).toEqual(['Oracle']);
		expect(overview.weekOverWeek!.changePct).toBe(-13.2);
		expect(spendOverview([{ agent: 'x', role: 'cost.aws', status: 'success', findings: {} }])).toBeNull();
	});

	it('never adds spend billed in different currencies', () => {
		const csv = readFileSync(join(__dirname, '../fixtures/focus/mixed-currency.csv'), 'utf8');
		const a = aggregateFocusText(csv);
		const outcomes = ['aws', 'gcp', 'azure'].map((cloud) => ({ agent: cloud, role: `cost.${cloud}`, status: 'success' as const, findings: {}, input: { billing: billingFacts(a, cloud) } }));
		const overview = spendOverview(outcomes)!;
		expect(overview.currency).toBe('USD');
		expect(overview.analysedSpend).toBe(170.5);
		expect(overview.byCloud.map((c) => c.cloud)).toEqual(['aws']);
		expect(overview.otherCurrencies).toEqual([
			{ currency: 'JPY', byCloud: [{ cloud: 'gcp', spend: 11500 }], analysedSpend: 11500, exportSpend: 11500 },
			{ currency: 'EUR', byCloud: [{ cloud: 'azure', spend: 95.32 }], analysedSpend: 95.32, exportSpend: 95.32 },
		]);
	});
});

describe('exact totals on generated exports', () => {
	// Amounts with up to 10 decimals: a float sum drifts, the decimal sum must not.
	for (const seed of [1, 2, 3]) {
		it(`equals an independent integer sum (seed ${seed})`, () => {
			const options = { rows: 3000, seed, eurShare: 0.5 };
			const cols = header();
			const [billedAt, currencyAt, effectiveAt] = ['BilledCost', 'BillingCurrency', 'EffectiveCost'].map((c) => cols.indexOf(c));
			const scale = 10n ** 10n;
			const toUnits = (s: string) => {
				const [int, frac = ''] = s.replace('-', '').split('.');
				const units = BigInt(int) * scale + BigInt(frac.padEnd(10, '0'));
				return s.startsWith('-') ? -units : units;
			};
			const expected = new Map<string, { billed: bigint; effective: bigint; float: number }>();
			for (const r of generateFocusRows(options)) {
				const e = expected.get(r[currencyAt]) ?? { billed: 0n, effective: 0n, float: 0 };
				e.billed += toUnits(r[billedAt]);
				e.effective += toUnits(r[effectiveAt]);
				e.float += Number(r[billedAt]);
				expected.set(r[currencyAt], e);
			}
			const a = aggregateFocusText([...generateFocusCsv(options)].join(''));
			expect(a.totals.map((t) => t.currency).sort()).toEqual([...expected.keys()].sort());
			for (const t of a.totals) {
				const e = expected.get(t.currency)!;
				expect(toUnits(t.billed)).toBe(e.billed);
				expect(toUnits(t.effective!)).toBe(e.effective);
			}
		});
	}
});
