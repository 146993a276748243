import { z } from 'zod/v4';
import { severity } from './common.ts';
import type { RolePreset } from './role.ts';

/** All reviewers share one finding shape so the coordinator can merge and de-duplicate them. */
export const reviewFindingsSchema = z.object({
	summary: z.string(),
	findings: z.array(
		z.object({
			severity,
			title: z.string(),
			file: z.string().describe('Path as in the diff, or "" when not file-specific'),
			line: z.number().int().describe('Line in the new file, or 0 when unknown'),
			end_line: z.number().int().describe('Last line of the problem in the new file (= line for one line), or 0'),
			detail: z.string().describe('What is wrong and why it matters'),
			suggestion: z.string().describe('A concrete fix, code where useful'),
			replacement: z.string().describe('Exact new code for lines line..end_line when the fix is a small replacement (a few lines), else ""'),
			confidence: z.number().int().min(0).max(100).describe('How sure you are this is a real problem, 0-100'),
		}),
	),
});

function reviewer(id: string, name: string, description: string, mustFind: string[], tier: 'fast' | 'balanced'): RolePreset {
	return {
		id: `review.${id}`,
		name,
		family: 'review',
		description,
		mustFind: [
			...mustFind,
			'only problems introduced or touched by this diff; no praise, no restating the code',
			'severity critical only for exploitable or data-losing defects',
		],
		inputField: 'diff',
		inputKind: 'diff',
		defaultTier: tier,
		defaultEffort: tier === 'fast' ? 'low' : 'medium',
		complexity: tier === 'fast' ? 'low' : 'medium',
		schema: reviewFindingsSchema,
	};
}

export const REVIEW_ROLES: RolePreset[] = [
	reviewer('security', 'Security Reviewer', 'Injection, authn/authz, secrets, unsafe deserialisation, SSRF, crypto misuse', [
		'injection (SQL, command, template, path traversal), SSRF and unsafe deserialisation',
		'broken authentication or authorisation checks',
		'secrets or credentials committed or logged',
		'weak cryptography and insecure defaults',
	], 'balanced'),
	reviewer('performance', 'Performance Reviewer', 'Complexity, N+1 queries, blocking I/O, memory growth', [
		'algorithmic hot spots and N+1 queries',
		'blocking or unbounded I/O on request paths',
		'unbounded memory growth, missing pagination or limits',
	], 'balanced'),
	reviewer('style', 'Style Reviewer', 'Readability, naming, dead code, consistency with the codebase', [
		'unclear names, dead or duplicated code',
		'inconsistency with conventions visible in the diff',
	], 'fast'),
	reviewer('tests', 'Test Reviewer', 'Missing or weak tests for the changed behaviour', [
		'changed behaviour without a test that would fail if it broke',
		'tests that assert nothing or mock away the behaviour under test',
		'missing edge cases and error paths',
	], 'fast'),
	reviewer('documentation', 'Documentation Reviewer', 'Public API docs, README, changelog, comments', [
		'public API or configuration changes without documentation',
		'comments that no longer match the code',
	], 'fast'),
	reviewer('accessibility', 'Accessibility Reviewer', 'WCAG issues in UI changes', [
		'missing labels, roles and alt text; keyboard traps; focus handling',
		'colour contrast and motion issues (WCAG 2.2 AA)',
	], 'fast'),
	reviewer('i18n', 'Internationalisation Reviewer', 'Hard-coded strings, locale handling, encodings', [
		'user-facing strings not externalised',
		'date, number, currency and plural handling that assumes one locale',
		'encoding and right-to-left layout problems',
	], 'fast'),
	// Focused security reviewers, for a high-security pipeline that runs all four on the deep tier.
	reviewer('security_injection', 'Injection Reviewer', 'Injection and unsafe input handling only', [
		'SQL, NoSQL, command, template, LDAP and header injection; path traversal; SSRF',
		'unsafe deserialisation and unchecked redirects',
	], 'balanced'),
	reviewer('security_auth', 'Access Control Reviewer', 'Authentication, authorisation and session handling only', [
		'missing or bypassable authorisation checks, IDOR, privilege escalation',
		'session, token and password handling flaws',
	], 'balanced'),
	reviewer('security_secrets', 'Secrets and Crypto Reviewer', 'Secrets, keys and cryptography only', [
		'credentials, keys or tokens in code, config or logs',
		'weak or misused cryptography, insecure randomness, disabled TLS verification',
	], 'balanced'),
	reviewer('security_supply_chain', 'Supply Chain Reviewer', 'Dependencies, build and CI changes only', [
		'new or updated dependencies with known risks, unpinned versions, install scripts',
		'CI/CD and build changes that widen permissions or run untrusted code',
	], 'balanced'),
];
