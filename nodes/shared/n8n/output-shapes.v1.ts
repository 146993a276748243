/**
 * The output items of every node at version 1, written down: what saved workflows (and the
 * workflows in workflows/) read with expressions such as `{{ $json.decision.root_cause }}`.
 * Engine tests run each node and check its real items against these shapes, so a change that
 * would break a saved v1 workflow fails a test (test/engine/output-shapes.test.ts).
 *
 * What counts as compatible: adding a field, or a value to an open set. What does not: removing
 * or renaming a field, changing its type, or changing the failed-item shape. Objects are
 * therefore `looseObject` (extra fields pass) and every listed field is required.
 *
 * How a v2 ships while v1 workflows keep working:
 * 1. Copy this module to output-shapes.v2.ts and make the incompatible change there.
 * 2. Give the node `version: [1, 2]` and `defaultVersion: 2` (new nodes get v2), and branch on
 *    `this.getNode().typeVersion` where the output is built, or, when the two versions differ in
 *    more than the output, make the node a VersionedNodeType with one class per version.
 * 3. Saved workflows keep `typeVersion: 1` and so keep these shapes; the v1 tests stay as they are.
 * n8n loads every version a node lists, so a v1 workflow never meets v2 output.
 */
import { z } from 'zod/v4';

const usage = z.looseObject({
	input_tokens: z.number(),
	output_tokens: z.number(),
	cache_creation_input_tokens: z.number(),
	cache_read_input_tokens: z.number(),
});

/** One failed-item shape for every node: `{ status: 'failed', error: { type, message, request_id? } }`. */
export const failedItem = z.looseObject({
	status: z.literal('failed'),
	error: z.strictObject({ type: z.string().min(1), message: z.string().min(1), request_id: z.string().optional() }),
});

/** What an agent node's item spent; failed items carry it too (zero when nothing was sent). */
const spend = { usage, costUsd: z.number().nullable() };
const run = z.looseObject({ executionId: z.string(), item: z.number().int() });

const specialistSuccess = z.looseObject({
	agent: z.string(),
	role: z.string(),
	model: z.string(),
	tier: z.string(),
	effort: z.string().nullable(),
	status: z.literal('success'),
	findings: z.record(z.string(), z.unknown()),
	...spend,
	durationMs: z.number(),
	startedAt: z.string(),
	attempts: z.number().int(),
	repairs: z.number().int(),
	input: z.looseObject({ chars: z.number(), promptChars: z.number(), chunks: z.number() }),
	run,
});
const specialistFailed = failedItem.extend({ agent: z.string(), role: z.string(), findings: z.null(), ...spend, run });

const costLine = z.looseObject({ agent: z.string(), ...spend });
const coordinatorCost = z.looseObject({ total: z.looseObject(spend) });
const coordinatorDecided = z.looseObject({
	mode: z.string(),
	status: z.enum(['success', 'insufficient_evidence']),
	decision: z.record(z.string(), z.unknown()).nullable(),
	basedOn: z.looseObject({ succeeded: z.number(), total: z.number(), required: z.number(), missing: z.array(z.looseObject({ agent: z.string(), reason: z.string() })), note: z.string() }),
	decidedBy: z.enum(['model', 'rules']).nullable(),
	model: z.string().nullable(),
	tier: z.string().nullable(),
	effort: z.string().nullable(),
	cost: coordinatorCost.extend({ specialists: z.array(costLine), coordinator: costLine }),
	wallMs: z.number().nullable(),
});
const coordinatorFailed = failedItem.extend({ decision: z.null(), cost: coordinatorCost });

const budgetLine = z.looseObject({
	scope: z.string(),
	window: z.enum(['execution', 'day', 'month']),
	bucket: z.string(),
	limitUsd: z.number().nullable(),
	usedUsd: z.number(),
	reservedUsd: z.number(),
	remainingUsd: z.number().nullable(),
	limitTokens: z.number().nullable(),
	usedTokens: z.number(),
	reservedTokens: z.number(),
	remainingTokens: z.number().nullable(),
	alertUsd: z.number().nullable(),
	alert: z.boolean(),
});
const budgetCheck = z.looseObject({ budget: z.looseObject({ within: z.boolean(), alert: z.boolean(), budgets: z.array(budgetLine) }) });
const budgetReport = z.looseObject({ operation: z.enum(['report', 'reset']), alert: z.boolean(), budgets: z.array(budgetLine) });

const evidence = z.looseObject({
	evidence: z.looseObject({ fetched: z.array(z.string()), refused: z.array(z.looseObject({ field: z.string(), rule: z.string(), reason: z.string() })) }),
});
const focus = z.looseObject({ focus: z.looseObject({ kind: z.literal('focus-aggregate'), version: z.number() }) });
/** Check URL: the input item plus the verdict under the Output Field (default `urlCheck`). */
const urlVerdict = z.union([
	z.object({ allowed: z.literal(true), url: z.string() }),
	z.object({ allowed: z.literal(false), url: z.string(), rule: z.string(), reason: z.string() }),
]);
const urlChecked = z.looseObject({}).refine((item) => Object.values(item).some((value) => urlVerdict.safeParse(value).success), {
	message: 'no URL verdict { allowed, url, rule?, reason? } under the Output Field',
});

const intakeResponse = z.looseObject({ status: z.string() });
const intake = (outcomes: [string, ...string[]]) =>
	z.looseObject({ incident_id: z.string(), intake: z.looseObject({ outcome: z.enum(outcomes), http_status: z.number().int(), response: intakeResponse }) });
const intakeRejected = z.looseObject({ intake: z.looseObject({ outcome: z.string(), http_status: z.number().int(), response: z.looseObject({}) }) });
const incidentRecorded = z.looseObject({
	incident_state: z.looseObject({ incident_id: z.string(), recorded: z.string(), released: z.boolean(), report_id: z.string().nullable() }),
});

const pr = z.looseObject({ repo: z.string(), number: z.number().int(), headSha: z.string() });
const httpAnswer = z.looseObject({ status: z.number().int(), body: z.looseObject({}) });
const screened = z.looseObject({ outcome: z.literal('review'), event: z.string(), delivery: z.string(), trigger: z.string(), pr, response: httpAnswer });
const notScreened = z.looseObject({ outcome: z.string(), reason: z.string(), response: httpAnswer });
const planned = z.looseObject({ outcome: z.literal('review'), review: z.looseObject({}) });
const notPlanned = z.looseObject({ outcome: z.literal('skip'), code: z.string(), reason: z.string(), pr });
const decided = z.looseObject({ state: z.string(), description: z.string(), comment: z.string(), counts: z.looseObject({}), record: z.looseObject({}), pr });
const reviewRecorded = z.looseObject({ recorded: z.boolean(), released: z.boolean(), state: z.string(), pr });

/**
 * The v1 shape of each output of each node, by operation (or mode) and output index. A failed
 * item may appear on output 0 of any node.
 */
export const OUTPUT_SHAPES_V1 = {
	specialistAgent: { '*': [specialistSuccess] },
	coordinator: { '*': [coordinatorDecided] },
	tokenBudget: { check: [budgetCheck, budgetCheck], report: [budgetReport], reset: [budgetReport] },
	agentMetrics: {
		record: [z.looseObject({ metricsRecorded: z.boolean() })],
		export: [z.looseObject({ contentType: z.string(), metrics: z.string(), processes: z.number().int() })],
		push: [z.looseObject({ pushed: z.literal(true), url: z.string(), jobName: z.string(), groupings: z.record(z.string(), z.string()) })],
	},
	evidenceFetch: { urls: [evidence], prometheus: [evidence], githubCommits: [evidence], focus: [focus], checkUrl: [urlChecked] },
	alertIntake: { intake: [intake(['new']), intake(['repeat', 'ignored']), intake(['resolved']), intakeRejected], record: [incidentRecorded] },
	prReview: { screen: [screened, notScreened], plan: [planned, notPlanned], decide: [decided], record: [reviewRecorded] },
} as const satisfies Record<string, Record<string, readonly z.ZodType[]>>;

/** Failed items of the agent nodes carry what was spent; the other nodes' are the plain shape. */
const FAILED_V1: Record<keyof typeof OUTPUT_SHAPES_V1, z.ZodType> = {
	specialistAgent: specialistFailed,
	coordinator: coordinatorFailed,
	tokenBudget: failedItem,
	agentMetrics: failedItem,
	evidenceFetch: failedItem,
	alertIntake: failedItem,
	prReview: failedItem,
};

export type ShapedNode = keyof typeof OUTPUT_SHAPES_V1;

/** The shape an item on `output` of `node` (doing `operation`) must have at v1. */
export function outputShapeV1(node: ShapedNode, operation: string | undefined, output: number): z.ZodType {
	const byOperation = OUTPUT_SHAPES_V1[node] as Record<string, readonly z.ZodType[]>;
	const shapes = byOperation['*'] ?? byOperation[operation ?? ''];
	if (!shapes) throw new Error(`No v1 output shape for ${node} operation "${operation}"`);
	const shape = shapes[output];
	if (!shape) throw new Error(`No v1 output shape for ${node} "${operation}" output ${output}`);
	return output === 0 ? z.union([shape, FAILED_V1[node]]) : shape;
}
