import { describe, expect, it } from 'vitest';
import { rankByRoi } from '../../nodes/shared/coordinator/cost-ranking.ts';
import { adjustConfidence, checkQuorum, requiredCount } from '../../nodes/shared/coordinator/quorum.ts';
import { decideVerdict, mergeFindings, renderReviewComment, type ReviewFinding } from '../../nodes/shared/coordinator/review-verdict.ts';
import { readSpecialistItems, type SpecialistOutcome } from '../../nodes/shared/coordinator/specialist-items.ts';

const outcome = (agent: string, ok = true, type = 'timeout'): SpecialistOutcome => ({
	agent,
	role: `incident.${agent}`,
	status: ok ? 'success' : 'failed',
	findings: ok ? { summary: agent } : null,
	...(ok ? {} : { error: { type, message: 'x' } }),
	run: { executionId: 'e1', item: 0 },
});

describe('specialist items', () => {
	it('refuses empty input, foreign items and mixed runs with what was expected', () => {
		expect(() => readSpecialistItems([])).toThrow(/received no items.*Specialist Agent/);
		expect(() => readSpecialistItems([{ foo: 1 }])).toThrow(/Item 1 is not a specialist result \(its fields: foo\)/);
		const a = { ...outcome('logs') } as unknown as Record<string, unknown>;
		const b = { ...outcome('metrics'), run: { executionId: 'e1', item: 1 } } as unknown as Record<string, unknown>;
		expect(() => readSpecialistItems([a, b])).toThrow(/2 different runs.*split the items by "run.item"/);
		expect(readSpecialistItems([a])).toHaveLength(1);
	});
});

describe('quorum', () => {
	it('needs a majority by default and names the missing specialists', () => {
		expect(requiredCount({ kind: 'majority' }, 5)).toBe(3);
		expect(requiredCount({ kind: 'majority' }, 4)).toBe(3);
		expect(requiredCount({ kind: 'count', value: 9 }, 5)).toBe(5);
		expect(requiredCount({ kind: 'share', value: 0.6 }, 5)).toBe(3);
		const q = checkQuorum(['logs', 'code', 'infra', 'cost'].map((a) => outcome(a)).concat(outcome('metrics', false)), { kind: 'majority' });
		expect(q).toMatchObject({ met: true, required: 3, total: 5, note: 'based on 4 of 5 specialists; metrics unavailable: timeout' });
		expect(checkQuorum([outcome('a'), outcome('b', false), outcome('c', false)], { kind: 'majority' }).met).toBe(false);
		expect(() => requiredCount({ kind: 'share', value: 1.5 }, 5)).toThrow(/between 0 and 1/);
	});
	it('lowers confidence by the share of specialists heard', () => {
		expect(adjustConfidence(80, { survivors: [outcome('a'), outcome('b'), outcome('c'), outcome('d')], total: 5 })).toBe(64);
		expect(adjustConfidence(80, { survivors: [outcome('a')], total: 1 })).toBe(80);
	});
});

describe('review verdict', () => {
	const f = (severity: ReviewFinding['severity'], title: string, reviewer: string, line = 10): ReviewFinding => ({
		severity,
		title,
		file: 'src/db.ts',
		line,
		detail: `${title} detail`,
		suggestion: 'fix it',
		reviewers: [reviewer],
	});
	it('merges duplicates across reviewers, keeping the worst severity', () => {
		const merged = mergeFindings([f('high', 'SQL injection', 'security'), f('critical', 'sql injection ', 'performance'), f('low', 'Naming', 'style', 3)]);
		expect(merged).toHaveLength(2);
		expect(merged[0]).toMatchObject({ severity: 'critical', reviewers: ['security', 'performance'] });
	});
	it('decides the verdict in code from the blocking severity', () => {
		const findings = [f('critical', 'A', 's'), f('critical', 'B', 's', 11), f('medium', 'C', 'p')];
		expect(decideVerdict(findings)).toMatchObject({ state: 'failure', description: '2 critical issues found', blocking: 2 });
		expect(decideVerdict([f('high', 'A', 's')])).toMatchObject({ state: 'success', description: 'No critical-or-worse issues (1 high)' });
		expect(decideVerdict([f('high', 'A', 's'), f('critical', 'B', 's', 2)], 'high')).toMatchObject({ state: 'failure', description: '1 critical, 1 high issues found' });
		expect(decideVerdict([])).toMatchObject({ state: 'success', description: 'No issues found' });
	});
	it('renders one Markdown comment with counts, findings and reviewers', () => {
		const findings = mergeFindings([f('critical', 'SQL injection', 'security'), f('low', 'Naming', 'style', 3)]);
		const comment = renderReviewComment('Two problems.', findings, decideVerdict(findings), 'based on 5 of 5 specialists');
		expect(comment).toContain('## Agent Swarm review: ❌ changes required');
		expect(comment).toContain('| 1 | 0 | 0 | 1 | 0 |');
		expect(comment).toContain('CRITICAL: SQL injection — `src/db.ts:10`');
		expect(comment).toContain('Reported by: security');
		expect(comment).toContain('Based on 5 of 5 specialists');
	});
});

describe('cost ranking', () => {
	const rec = (resource: string, monthly: number, effort: number) => ({ cloud: 'aws', resource, action: 'x', category: 'idle', monthly_savings_usd: monthly, effort_hours: effort });
	it('ranks by ROI computed in code, totals all, flags quick wins and tiers', () => {
		const r = rankByRoi([rec('big-slow', 5000, 40), rec('small-fast', 300, 0.5), rec('mid', 1200, 4), rec('nothing', 0, 1)], 2);
		expect(r.top.map((x) => x.resource)).toEqual(['small-fast', 'mid']);
		expect(r.top[0]).toMatchObject({ rank: 1, roi: 600, quick_win: true, tier: 'quick' });
		expect(r.top[1]).toMatchObject({ roi: 300, quick_win: false, tier: 'medium' });
		expect(r.totalMonthlySavingsUsd).toBe(6500);
		expect(r.totalAnnualSavingsUsd).toBe(78000);
		expect(r).toMatchObject({ quickWins: 1, byTier: { quick: 1, medium: 1, strategic: 1 }, considered: 3 });
	});
	it('does not let a zero-hour estimate make ROI infinite', () => {
		expect(rankByRoi([rec('a', 100, 0)]).top[0].roi).toBe(400);
	});
});
