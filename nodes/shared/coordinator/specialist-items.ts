/**
 * Reads a Coordinator's input: the output items of a Specialist Agent node. Anything else is
 * refused with a message that says what was expected.
 */
import { ParameterError } from '../parameter-error.ts';
import type { Usage } from '../models/prices.ts';
import type { BillingFacts } from '../finops/focus.ts';

export interface SpecialistOutcome {
	agent: string;
	role: string;
	model?: string;
	status: 'success' | 'failed';
	findings: unknown;
	usage?: Usage;
	costUsd?: number | null;
	durationMs?: number;
	startedAt?: string;
	error?: { type: string; message: string };
	run?: { executionId?: string; item?: number };
	input?: { billing?: BillingFacts };
}

const EXPECTED = 'Connect the Coordinator to the output of a Specialist Agent node (items with "agent", "status" and "findings")';

/**
 * What the specialists in these items spent, read leniently (items that are not specialist
 * results are skipped), for a Coordinator failure that happens before the items are checked.
 */
export function specialistSpend(items: Array<Record<string, unknown>>): Array<Pick<SpecialistOutcome, 'agent' | 'model' | 'usage' | 'costUsd'>> {
	return items
		.filter((json) => typeof json.agent === 'string' && typeof json.usage === 'object' && json.usage !== null)
		.map((json) => ({
			agent: json.agent as string,
			model: typeof json.model === 'string' ? json.model : undefined,
			usage: json.usage as Usage,
			costUsd: typeof json.costUsd === 'number' ? json.costUsd : null,
		}));
}

export function readSpecialistItems(items: Array<Record<string, unknown>>): SpecialistOutcome[] {
	if (items.length === 0) throw new ParameterError(`The Coordinator received no items. ${EXPECTED}`);
	const outcomes = items.map((json, i) => {
		const ok = typeof json.agent === 'string' && (json.status === 'success' || json.status === 'failed') && 'findings' in json;
		if (!ok) {
			const keys = Object.keys(json).slice(0, 6).join(', ') || 'none';
			throw new ParameterError(`Item ${i + 1} is not a specialist result (its fields: ${keys}). ${EXPECTED}`);
		}
		return json as unknown as SpecialistOutcome;
	});
	const runs = new Set(outcomes.map((o) => `${o.run?.executionId ?? ''}#${o.run?.item ?? ''}`));
	if (runs.size > 1) {
		throw new ParameterError(
			`The items come from ${runs.size} different runs (Specialist Agent input items). A Coordinator decides one run at a time. ` +
				'Fix: send one incident/PR/bill per execution, or split the items by "run.item" (e.g. Loop Over Items) before the Coordinator',
		);
	}
	return outcomes;
}
