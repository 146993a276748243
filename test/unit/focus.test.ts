import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spendOverview } from '../../nodes/shared/coordinator/cost-ranking.ts';
import { billingFacts, findCandidates, parseFocus, renderFocusBrief, summariseFocus, weekOverWeek, type FocusRow } from '../../nodes/shared/finops/focus.ts';

const SAMPLE = readFileSync(join(__dirname, '../fixtures/focus/focus_sample_1.0.csv'), 'utf8');

const row = (over: Partial<FocusRow>): FocusRow => ({
	provider: 'AWS',
	service: 'Amazon Elastic Compute Cloud',
	serviceCategory: 'Compute',
	resourceId: 'i-1',
	resourceType: 'instance',
	region: 'us-east-1',
	subAccount: 'acct-1',
	chargeCategory: 'Usage',
	pricingCategory: 'Standard',
	pricingUnit: 'Hours',
	commitmentDiscountId: '',
	description: '',
	start: Date.UTC(2024, 8, 1),
	billedCost: 1,
	currency: 'USD',
	...over,
});
const day = (d: number) => Date.UTC(2024, 8, d);

describe('FOCUS parsing and aggregation (real FOCUS 1.0 sample)', () => {
	const rows = parseFocus(SAMPLE);

	it('reads every row, keeps NULL as empty and attributes spend exactly', () => {
		expect(rows).toHaveLength(1000);
		const all = summariseFocus(rows);
		// Sum of BilledCost over the file, computed independently of the module.
		const lines = SAMPLE.trim().split('\n').slice(1);
		expect(all.spend).toBeCloseTo(20.5202, 3);
		expect(lines).toHaveLength(1000);
		expect(all.byProvider.map((p) => p.provider)).toEqual(['AWS', 'Microsoft', 'Oracle']);
		expect(all.byProvider.reduce((n, p) => n + p.spend, 0)).toBeCloseTo(all.spend, 3);
		expect(all.period).toEqual({ from: '2024-09-01', to: '2024-09-30', days: 30 });
	});

	it('splits by cloud: AWS and Azure rows to their specialists, none for GCP', () => {
		const aws = summariseFocus(rows, { cloud: 'aws' });
		const azure = summariseFocus(rows, { cloud: 'azure' });
		const gcp = summariseFocus(rows, { cloud: 'gcp' });
		expect([aws.rows, azure.rows, gcp.rows]).toEqual([942, 51, 0]);
		expect(aws.topServices[0]).toMatchObject({ service: 'Amazon Elastic Compute Cloud' });
		expect(aws.topServices[0].spend).toBeGreaterThan(aws.spend * 0.8);
		// Every cloud's week ends at the newest charge of the whole export.
		expect(azure.weekOverWeek!.thisWeek).toMatchObject({ from: aws.weekOverWeek!.thisWeek.from, to: aws.weekOverWeek!.thisWeek.to });
		expect(azure.weekOverWeek!.thisWeek.spend).toBe(0);
	});

	it('renders a brief that fits the size budget and says where its numbers come from', () => {
		const brief = renderFocusBrief(summariseFocus(rows, { cloud: 'aws' }));
		expect(brief).toMatch(/aggregated in code from 942 rows, 2024-09-01 to 2024-09-30/);
		expect(brief).toMatch(/Week over week: .* \+8\.5%/);
		expect(brief).toMatch(/Savings candidates found by rules/);
		expect(renderFocusBrief(summariseFocus(rows), 400).length).toBeLessThanOrEqual(400);
	});

	it('refuses data that is not FOCUS, naming the missing columns and the fix', () => {
		expect(() => parseFocus('date,amount\n2024-09-01,3')).toThrow(/columns ProviderName, BilledCost, ChargePeriodStart missing.*Fix: export FOCUS/);
		expect(() => parseFocus('[{"ProviderName": "AWS"')).toThrow(/looks like JSON but does not parse/);
		expect(parseFocus('[{"ProviderName":"AWS","BilledCost":"2.5","ChargePeriodStart":"2024-09-01T00:00:00Z"}]')[0]).toMatchObject({ billedCost: 2.5, start: day(1) });
	});
});

describe('provider names', () => {
	it('maps FOCUS ProviderName values of each cloud to its specialist', () => {
		const rows = ['AWS', 'Amazon Web Services', 'Google Cloud', 'Microsoft', 'Azure', 'Oracle'].map((provider) => row({ provider }));
		expect(summariseFocus(rows, { cloud: 'aws' }).rows).toBe(2);
		expect(summariseFocus(rows, { cloud: 'gcp' }).rows).toBe(1);
		expect(summariseFocus(rows, { cloud: 'azure' }).rows).toBe(2);
	});
});

describe('large exports', () => {
	it('summarises 300,000 rows (no argument spreading that overflows the stack)', () => {
		const rows = Array.from({ length: 300_000 }, (_, i) => row({ resourceId: `i-${i % 500}`, start: day(1 + (i % 28)), billedCost: 0.01 }));
		const s = summariseFocus(rows, { cloud: 'aws' });
		expect(s.period).toEqual({ from: '2024-09-01', to: '2024-09-28', days: 28 });
		expect(s.spend).toBeCloseTo(3000, 6);
		expect(s.weekOverWeek!.changePct).toBe(0);
	});
});

describe('week over week', () => {
	it('compares the last seven days of data with the seven before', () => {
		const rows = [row({ start: day(10), billedCost: 10 }), row({ start: day(20), billedCost: 11.5 }), row({ start: day(2), billedCost: 99 })];
		expect(weekOverWeek(rows)).toEqual({
			thisWeek: { from: '2024-09-14', to: '2024-09-20', spend: 11.5 },
			lastWeek: { from: '2024-09-07', to: '2024-09-13', spend: 10 },
			changePct: 15,
		});
		expect(weekOverWeek([row({ start: day(20) })])!.changePct).toBeNull();
	});
});

describe('savings candidates by rule', () => {
	it('finds missing commitments, orphaned disks, idle provisioned resources and egress', () => {
		const steady = Array.from({ length: 10 }, (_, i) => row({ resourceId: 'i-steady', start: day(i + 1) }));
		const rare = row({ resourceId: 'i-rare', start: day(3) });
		const orphan = row({ resourceId: 'vol-1', resourceType: 'volume', serviceCategory: 'Storage', pricingUnit: 'GB-Months', subAccount: 'acct-empty', billedCost: 0.5 });
		const attached = row({ resourceId: 'vol-2', resourceType: 'volume', serviceCategory: 'Storage', pricingUnit: 'GB-Months', subAccount: 'acct-1', billedCost: 0.4 });
		const nat = row({ resourceId: 'nat-1', resourceType: '', serviceCategory: 'Networking', billedCost: 0.3 });
		const busyLb = [row({ resourceId: 'lb-1', serviceCategory: 'Networking', resourceType: '' }), row({ resourceId: 'lb-1', serviceCategory: 'Networking', pricingUnit: 'LCU-Hours', resourceType: '' })];
		const egress = row({ resourceId: '', description: '$0.09 per GB - data transfer out', pricingUnit: 'GB', billedCost: 2 });
		const found = findCandidates([...steady, rare, orphan, attached, nat, ...busyLb, egress], 10);
		const kinds = Object.fromEntries(found.map((c) => [c.resourceId || c.kind, c.kind]));
		expect(kinds).toMatchObject({ 'i-steady': 'commitment', 'vol-1': 'orphaned', 'nat-1': 'idle', network: 'network' });
		expect(kinds['i-rare']).toBeUndefined();
		expect(kinds['lb-1']).toBeUndefined();
		// vol-2 lives next to instances: only provisioned capacity, so idle at most, never orphaned.
		expect(kinds['vol-2']).toBe('idle');
		expect(found.map((c) => c.spend)).toEqual([...found.map((c) => c.spend)].sort((a, b) => b - a));
	});
});

describe('spend overview for the coordinator', () => {
	it('totals the specialists\' exact figures and names providers no specialist covered', () => {
		const rows = parseFocus(SAMPLE);
		const facts = (cloud: string) => billingFacts(rows, summariseFocus(rows, { cloud }));
		const outcomes = ['aws', 'gcp', 'azure'].map((cloud) => ({ agent: cloud, role: `cost.${cloud}`, status: 'success' as const, findings: {}, input: { billing: facts(cloud) } }));
		const overview = spendOverview(outcomes)!;
		expect(overview.analysedSpend).toBeCloseTo(18.0066 + 1.9765, 2);
		expect(overview.exportSpend).toBeCloseTo(20.52, 2);
		expect(overview.notAnalysed.map((p) => p.provider)).toEqual(['Oracle']);
		expect(overview.weekOverWeek!.changePct).toBe(-13.2);
		expect(facts('aws').export).toMatchObject({ rows: 1000, byProvider: summariseFocus(rows).byProvider });
		expect(spendOverview([{ agent: 'x', role: 'cost.aws', status: 'success', findings: {} }])).toBeNull();
	});
});
