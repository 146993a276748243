/**
 * Review pipelines as data: which reviewers a variant runs, on which tier, and the lead's tier.
 * A repository's config turns reviewers on or off over this set. Reviewer names are the review
 * role ids without their "review." prefix.
 */
import { REVIEW_ROLES } from '../roles/review.ts';

export interface ReviewVariant {
	id: string;
	reviewers: string[];
	/** The reviewers' tier: "role" uses each role's own default. */
	tier: 'role' | 'fast' | 'balanced' | 'deep';
	leadTier: 'fast' | 'balanced' | 'deep';
}

export const REVIEW_VARIANTS: Record<string, ReviewVariant> = {
	budget: { id: 'budget', reviewers: ['security', 'style'], tier: 'balanced', leadTier: 'balanced' },
	standard: { id: 'standard', reviewers: ['security', 'performance', 'style', 'tests', 'documentation'], tier: 'role', leadTier: 'deep' },
	comprehensive: {
		id: 'comprehensive',
		reviewers: ['security', 'performance', 'style', 'tests', 'documentation', 'accessibility', 'i18n'],
		tier: 'role',
		leadTier: 'deep',
	},
	'high-security': {
		id: 'high-security',
		reviewers: ['security_injection', 'security_auth', 'security_secrets', 'security_supply_chain'],
		tier: 'deep',
		leadTier: 'deep',
	},
};

/** Every reviewer a repository may name. */
export const REVIEWER_NAMES: string[] = REVIEW_ROLES.map((r) => r.id.replace(/^review\./, ''));

/** `security` in a required list also covers the focused security_* reviewers. */
export function isRequired(agent: string, required: string[]): boolean {
	return required.some((r) => agent === r || agent.startsWith(`${r}_`));
}

/** The variant's reviewers with the repository's switches applied; unknown names are reported. */
export function chooseReviewers(variant: ReviewVariant, switches: Record<string, boolean>): { reviewers: string[]; unknown: string[] } {
	const unknown = Object.keys(switches).filter((name) => !REVIEWER_NAMES.includes(name));
	const on = new Set(variant.reviewers);
	for (const [name, enabled] of Object.entries(switches)) {
		if (!REVIEWER_NAMES.includes(name)) continue;
		if (enabled) on.add(name);
		else on.delete(name);
	}
	return { reviewers: REVIEWER_NAMES.filter((n) => on.has(n)), unknown };
}
