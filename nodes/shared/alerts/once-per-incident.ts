/**
 * "Once per incident": the first firing delivery of an alert group claims the incident for a
 * window and gets a report id; repeats within the window get that id and no analysis; a
 * resolution gives the incident up (a later firing is a new occurrence) and says how long it
 * lasted. State lives in a once-store (SQLite for one n8n, Redis for queue mode), so 20
 * deliveries at once on several workers still make exactly one analysis.
 */
import { randomUUID } from 'node:crypto';
import type { OnceStore } from '../stores/once-store.ts';
import type { Incident } from './incident.ts';

export interface Claimed {
	report_id: string;
	incident_id: string;
	first_seen: string;
	starts_at: string | null;
	/** analysing, then the report's status once recorded (success, failed, ...). */
	state: string;
	severity?: string;
	/** Where the report was posted, for a threaded follow-up. */
	slack_ts?: string;
	finished_at?: string;
}

export type Decision =
	| { outcome: 'new'; claim: Claimed }
	| { outcome: 'repeat'; earlier: Claimed }
	| { outcome: 'resolved'; earlier: Claimed | null; resolved_after_minutes: number | null }
	| { outcome: 'ignored'; earlier: Claimed | null };

const key = (incidentId: string) => `incident:${incidentId}`;

/**
 * `claimMs` is how long the claim holds while the analysis runs: a run that dies without
 * recording its outcome (a crash, the run deadline) frees the incident after it, not after the
 * whole window.
 */
export async function decide(store: OnceStore, incident: Incident, windowMs: number, now: Date = new Date(), claimMs: number = windowMs): Promise<Decision> {
	if (incident.action === 'ignore') return { outcome: 'ignored', earlier: parse(await store.get(key(incident.incident_id))) };
	if (incident.action === 'resolve') {
		const earlier = parse(await store.get(key(incident.incident_id)));
		if (earlier) await store.release(key(incident.incident_id));
		const start = earlier?.starts_at ?? incident.starts_at ?? earlier?.first_seen ?? null;
		const end = incident.ends_at ?? now.toISOString();
		const minutes = start ? Math.max(0, Math.round((Date.parse(end) - Date.parse(start)) / 60_000)) : null;
		return { outcome: 'resolved', earlier, resolved_after_minutes: Number.isFinite(minutes) ? minutes : null };
	}
	const claim: Claimed = {
		report_id: `RPT-${randomUUID()}`,
		incident_id: incident.incident_id,
		first_seen: now.toISOString(),
		starts_at: incident.starts_at,
		state: 'analysing',
	};
	const result = await store.claim(key(incident.incident_id), Math.min(windowMs, claimMs), JSON.stringify(claim));
	if (result.first) return { outcome: 'new', claim };
	return { outcome: 'repeat', earlier: parse(result.value) ?? { ...claim, report_id: 'unknown', state: 'unknown' } };
}

/**
 * After the run: keeps the claim with the report's outcome for the rest of the window, or gives
 * it up when nothing was analysed (a failed run), so the next delivery tries again.
 */
export async function recordOutcome(
	store: OnceStore,
	incidentId: string,
	outcome: { report_id?: string; status: string; severity?: string; slack_ts?: string; release?: boolean },
	windowMs: number,
	now: Date = new Date(),
): Promise<Claimed | null> {
	const earlier = parse(await store.get(key(incidentId)));
	if (outcome.release) {
		await store.release(key(incidentId));
		return earlier;
	}
	const first = earlier?.first_seen ?? now.toISOString();
	const remaining = Math.max(1000, windowMs - (now.getTime() - Date.parse(first)));
	const updated: Claimed = {
		...(earlier ?? { incident_id: incidentId, first_seen: first, starts_at: null, report_id: outcome.report_id ?? `RPT-${randomUUID()}` }),
		...(outcome.report_id ? { report_id: outcome.report_id } : {}),
		state: outcome.status,
		...(outcome.severity ? { severity: outcome.severity } : {}),
		...(outcome.slack_ts ? { slack_ts: outcome.slack_ts } : {}),
		finished_at: now.toISOString(),
	};
	await store.set(key(incidentId), JSON.stringify(updated), remaining);
	return updated;
}

function parse(value: string | null): Claimed | null {
	if (!value) return null;
	try {
		const parsed = JSON.parse(value) as Claimed;
		return typeof parsed?.report_id === 'string' ? parsed : null;
	} catch {
		return null;
	}
}
