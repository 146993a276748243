import type { INodeProperties } from 'n8n-workflow';
import { agentBudgetFields } from '../shared/n8n/budget-fields.ts';
import { credentialSlot } from '../shared/n8n/credential-slot.ts';
import { contextProperty } from '../shared/n8n/context-field.ts';
import { customPromptFields } from '../shared/n8n/custom-fields.ts';
import { COORDINATOR_MODES } from '../shared/coordinator/modes.ts';
import { authenticationProperty, effortProperty, modelOptionFields, tierProperty } from '../shared/n8n/model-options.ts';
import { runModeFields } from '../shared/n8n/run-mode-fields.ts';

/** The editor's modes: the registry's, plus Custom; sorted by label as n8n's lint asks. */
const modeOptions = [
	...Object.values(COORDINATOR_MODES).map((m) => ({ name: m.label, value: m.id, description: m.description })),
	{ name: 'Custom', value: 'custom', description: 'Your own prompt and output schema' },
].sort((a, b) => a.name.localeCompare(b.name));

/** Modes that can also decide in code, without a model call. */
const RULES_MODES = Object.values(COORDINATOR_MODES)
	.filter((m) => m.rulesOnly)
	.map((m) => m.id);

export const coordinatorProperties: INodeProperties[] = [
	authenticationProperty,
	credentialSlot(),
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		default: 'incident',
		options: modeOptions,
	},
	...customPromptFields({ label: 'Custom Mode', show: { mode: ['custom'] }, rows: 6, exampleField: 'decision' }),
	{
		displayName: 'Synthesis',
		name: 'synthesis',
		type: 'options',
		default: 'model',
		displayOptions: { show: { mode: RULES_MODES } },
		options: [
			{ name: 'Model', value: 'model', description: 'Claude merges and de-duplicates; counts, verdict and ROI are still computed in code' },
			{ name: 'Rules Only', value: 'rules', description: 'No model call: findings merged by file/line/title, recommendations taken as reported' },
		],
	},
	{
		displayName: 'Blocking Severity',
		name: 'blockingSeverity',
		type: 'options',
		default: 'critical',
		displayOptions: { show: { mode: ['review'] } },
		description: 'The verdict is failure when any finding is at or above this severity',
		options: [
			{ name: 'Critical', value: 'critical' },
			{ name: 'High', value: 'high' },
			{ name: 'Info', value: 'info' },
			{ name: 'Low', value: 'low' },
			{ name: 'Medium', value: 'medium' },
		],
	},
	{
		displayName: 'Top N',
		name: 'topN',
		type: 'number',
		default: 10,
		displayOptions: { show: { mode: ['cost'] } },
		typeOptions: { minValue: 1 },
		description: 'How many recommendations to list, best ROI first (totals count all)',
	},
	{
		displayName: 'Quorum',
		name: 'quorum',
		type: 'options',
		default: 'majority',
		options: [
			{ name: 'Majority', value: 'majority', description: 'More than half of the specialists succeeded' },
			{ name: 'Minimum Count', value: 'count' },
			{ name: 'Minimum Share', value: 'share' },
		],
	},
	{
		displayName: 'Minimum Specialists',
		name: 'quorumCount',
		type: 'number',
		default: 3,
		typeOptions: { minValue: 1 },
		displayOptions: { show: { quorum: ['count'] } },
	},
	{
		displayName: 'Minimum Share',
		name: 'quorumShare',
		type: 'number',
		default: 0.6,
		typeOptions: { minValue: 0.01, maxValue: 1, numberPrecision: 2 },
		displayOptions: { show: { quorum: ['share'] } },
	},
	{ ...tierProperty('deep'), displayOptions: { hide: { synthesis: ['rules'] } } },
	{ ...effortProperty("Coordinator's Default (Medium)", 'A coordinator weighs several reports: medium effort'), displayOptions: { hide: { synthesis: ['rules'] } } },
	contextProperty,
	...runModeFields,
	...agentBudgetFields,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: modelOptionFields,
	},
];
