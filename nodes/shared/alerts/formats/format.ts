/** What each alert sender's format provides: how to recognise its payload and how to read it. */
import type { Incident } from '../incident.ts';

export interface AlertFormat {
	/** Short name used in `incident.source` and in messages. */
	name: string;
	/** Who sends it, for people: "Prometheus Alertmanager (webhook v4)". */
	label: string;
	/** The sender's own documentation of the payload this reader follows. */
	docUrl: string;
	/** Whether the body looks like this sender's (cheap structural check, no validation). */
	matches(body: Record<string, unknown>): boolean;
	/** Reads a matching body; throws AlertRejected naming the field that is wrong. */
	normalise(body: Record<string, unknown>, options: NormaliseOptions): Incident;
}

export interface NormaliseOptions {
	/** Service used when the payload names none. */
	defaultService?: string;
}
