import { fence, UNTRUSTED_DATA_RULE } from '../prompt/fence.ts';
import type { RoleInfo } from '../roles/index.ts';

const TEAM: Record<RoleInfo['family'], string> = {
	incident: 'an incident response team of specialist agents; a coordinator combines your analysis with the others',
	review: 'a pull request review team; a coordinator merges your findings with other reviewers',
	cost: 'a cloud cost optimisation squad; a coordinator ranks all recommendations by return on effort',
	custom: 'a team of specialist agents',
};

/** The stable part of the prompt: identical across runs of one role, so it is cached. */
export function roleInstructions(role: RoleInfo, customPrompt: string | undefined, schema: Record<string, unknown>): string {
	const brief = customPrompt?.trim()
		? customPrompt.trim()
		: [`You are the ${role.name} in ${TEAM[role.family]}.`, role.description + '.', 'You must find:', ...role.mustFind.map((m) => `- ${m}`)].join('\n');
	return [
		brief,
		'',
		UNTRUSTED_DATA_RULE,
		'Be specific and quantitative; cite the evidence. If the data does not support a conclusion, say so and lower the confidence.',
		'Reply with one JSON object only, matching this JSON schema:',
		JSON.stringify(schema),
	].join('\n');
}

export interface RunContext {
	service?: string;
	environment?: string;
	timeWindow?: string;
	traffic?: string;
	notes?: string;
}

/** The per-run part: context lines and the fenced data. */
export function taskInput(source: string, data: string, context: RunContext, part?: { index: number; of: number }): string {
	const lines = [
		context.service && `Service: ${context.service}`,
		context.environment && `Environment: ${context.environment}`,
		context.timeWindow && `Time window: ${context.timeWindow}`,
		context.traffic && `Traffic: ${context.traffic}`,
		context.notes && `Notes: ${context.notes}`,
		part && `This is part ${part.index} of ${part.of} of the input; analyse this part only.`,
	].filter(Boolean);
	return [...lines, '', fence(source, data)].join('\n');
}

export function mergeInput(source: string, partials: unknown[], context: RunContext): string {
	return taskInput(
		`${source}-partial-analyses`,
		JSON.stringify(partials),
		{ ...context, notes: [context.notes, `The input was too large for one request and was analysed in ${partials.length} parts. Merge these partial analyses (given as JSON) into one analysis of the whole input: add up counts, keep the strongest evidence, remove duplicates.`].filter(Boolean).join(' ') },
	);
}
