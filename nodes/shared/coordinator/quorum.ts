import { ParameterError } from '../parameter-error.ts';
import type { SpecialistOutcome } from './specialist-items.ts';

export type QuorumRule = { kind: 'majority' } | { kind: 'count'; value: number } | { kind: 'share'; value: number };

export interface QuorumResult {
	met: boolean;
	required: number;
	survivors: SpecialistOutcome[];
	missing: Array<{ agent: string; role?: string; reason: string }>;
	total: number;
	/** "based on 4 of 5 specialists; metrics unavailable: timeout" */
	note: string;
}

export function requiredCount(rule: QuorumRule, total: number): number {
	if (rule.kind === 'majority') return Math.floor(total / 2) + 1;
	if (rule.kind === 'count') {
		if (!Number.isInteger(rule.value) || rule.value < 1) throw new ParameterError('Quorum: "Minimum Specialists" must be a whole number of at least 1');
		return Math.min(rule.value, total);
	}
	if (!(rule.value > 0 && rule.value <= 1)) throw new ParameterError('Quorum: "Minimum Share" must be between 0 and 1, e.g. 0.6');
	return Math.ceil(rule.value * total);
}

export function checkQuorum(outcomes: SpecialistOutcome[], rule: QuorumRule): QuorumResult {
	const survivors = outcomes.filter((o) => o.status === 'success');
	const missing = outcomes
		.filter((o) => o.status !== 'success')
		.map((o) => ({ agent: o.agent, role: o.role, reason: o.error?.type ?? 'failed' }));
	const required = requiredCount(rule, outcomes.length);
	const unavailable = missing.length ? `; ${missing.map((m) => `${m.agent} unavailable: ${m.reason}`).join(', ')}` : '';
	return {
		met: survivors.length >= required,
		required,
		survivors,
		missing,
		total: outcomes.length,
		note: `based on ${survivors.length} of ${outcomes.length} specialists${unavailable}`,
	};
}

/** Confidence scales with the share of specialists heard: a decision on 4 of 5 says so. */
export function adjustConfidence(confidence: number, quorum: Pick<QuorumResult, 'survivors' | 'total'>): number {
	if (quorum.total === 0) return 0;
	return Math.round(Math.max(0, Math.min(100, confidence)) * (quorum.survivors.length / quorum.total));
}
