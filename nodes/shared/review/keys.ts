/**
 * Keys and windows of the review's shared state (kept in a once-store, so every n8n worker in
 * queue mode sees the same): replays of a delivery, a head commit already reviewed, and what the
 * last review of a pull request found (for incremental reviews).
 */
import type { StoredFinding } from './findings.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const WINDOWS = {
	/** GitHub keeps a delivery's id on redelivery; a finished review holds it this long. */
	delivery: 7 * DAY,
	/** While a review runs, its claims on the delivery and the head commit expire after this (a crashed run frees them). */
	running: 1 * HOUR,
	/** A reviewed head commit is not reviewed again for this long (reopened, replays). */
	reviewed: 30 * DAY,
	/** What the last review found, for the next push's incremental review. */
	state: 90 * DAY,
} as const;

export const deliveryKey = (id: string) => `pr-review:delivery:${id}`;
export const headKey = (repo: string, number: number, sha: string) => `pr-review:head:${repo}#${number}@${sha}`;
export const stateKey = (repo: string, number: number) => `pr-review:state:${repo}#${number}`;

/** What a review leaves for the next one on the same pull request. */
export interface ReviewState {
	sha: string;
	at: string;
	/** Open findings at that commit (new and carried), to carry over. */
	findings: StoredFinding[];
}

export function parseState(text: string | null): ReviewState | null {
	if (!text) return null;
	try {
		const value = JSON.parse(text) as Partial<ReviewState>;
		if (typeof value.sha !== 'string' || !Array.isArray(value.findings)) return null;
		return { sha: value.sha, at: String(value.at ?? ''), findings: value.findings };
	} catch {
		return null;
	}
}
