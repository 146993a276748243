import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { agentBudgetFields } from '../shared/n8n/budget-fields.ts';
import { credentialSlot } from '../shared/n8n/credential-slot.ts';
import { contextProperty } from '../shared/n8n/context-field.ts';
import { customPromptFields } from '../shared/n8n/custom-fields.ts';
import { authenticationProperty, effortLevelOptions, effortProperty, modelOptionFields, tierLevelOptions, tierProperty } from '../shared/n8n/model-options.ts';
import { ROLE_PRESETS } from '../shared/roles/index.ts';
import { runModeFields } from '../shared/n8n/run-mode-fields.ts';

const FAMILY_LABEL = { incident: 'Incident', review: 'PR Review', cost: 'Cloud Cost', custom: 'Custom' } as const;

export const roleOptions: INodePropertyOptions[] = [
	...ROLE_PRESETS.map((role) => ({
		name: `${FAMILY_LABEL[role.family]}: ${role.name}`,
		value: role.id,
		description: `${role.description} (reads "${role.inputField}", ${role.defaultTier} tier, ${role.defaultEffort} effort)`,
	})),
	{ name: 'Custom', value: 'custom', description: 'Your own system prompt and output JSON schema' },
];

/** A custom role's own prompt and schema; shown only when the role is Custom. */
const customFields = (show: Record<string, string[]>, rows: number): INodeProperties[] =>
	customPromptFields({
		label: 'Custom Role',
		show,
		rows,
		exampleField: 'summary',
		promptHint: "The specialist's instructions. The data and the untrusted-data rule are added for you.",
		schemaHint: 'JSON schema of the findings object the model must return',
	});

export const specialistProperties: INodeProperties[] = [
	authenticationProperty,
	credentialSlot(),
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		default: 'team',
		options: [
			{ name: 'Team', value: 'team', description: 'Several specialists on each item at once; one output item per specialist' },
			{ name: 'Single Specialist', value: 'single', description: 'One specialist per item' },
		],
	},
	{
		displayName: 'Role',
		name: 'role',
		type: 'options',
		default: 'incident.logs',
		options: roleOptions,
		displayOptions: { show: { mode: ['single'] } },
	},
	...customFields({ mode: ['single'], role: ['custom'] }, 6),
	{
		displayName: 'Input',
		name: 'input',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: '={{ $json.logs }}',
		displayOptions: { show: { mode: ['single'] } },
		description: "What to analyse. Empty: the item's field named in the role (e.g. logs, metrics, diff).",
	},
	{
		displayName: 'Specialists',
		name: 'specialists',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		default: {
			specialist: [
				{ role: 'incident.logs' },
				{ role: 'incident.metrics' },
				{ role: 'incident.code_changes' },
				{ role: 'incident.infrastructure' },
				{ role: 'incident.cost_impact' },
			],
		},
		displayOptions: { show: { mode: ['team'] } },
		placeholder: 'Add Specialist',
		options: [
			{
				displayName: 'Specialist',
				name: 'specialist',
				// In the order a user decides: the role first, its custom prompt and schema only for
				// a custom role, then what the member reads and how it runs (not alphabetical).
				// eslint-disable-next-line n8n-nodes-base/node-param-fixed-collection-type-unsorted-items
				values: [
					{ displayName: 'Role', name: 'role', type: 'options', default: 'incident.logs', options: roleOptions },
					...customFields({ role: ['custom'] }, 4),
					{
						displayName: 'Input',
						name: 'input',
						type: 'string',
						default: '',
						placeholder: '={{ $json.metrics }}',
						description: "What this specialist analyses. Empty: the item's field named in the role.",
					},
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						description: 'Agent name in outputs and metrics; empty uses the role ID',
					},
					{
						displayName: 'Model Tier',
						name: 'tier',
						type: 'options',
						default: 'node',
						options: [{ name: "Node's Setting", value: 'node' }, ...tierLevelOptions],
					},
					{
						displayName: 'Effort',
						name: 'effort',
						type: 'options',
						default: 'node',
						description: 'How much this specialist thinks before answering; billed as output',
						options: [{ name: "Node's Setting", value: 'node' }, { name: "Role's Default", value: 'role', description: 'Fast roles low, the others medium' }, ...effortLevelOptions],
					},
				],
			},
		],
	},
	tierProperty('role'),
	effortProperty("Role's Default", 'Each role thinks as it was designed to: fast roles low, the others medium'),
	contextProperty,
	...runModeFields,
	...agentBudgetFields,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...modelOptionFields,
			{
				displayName: 'Chunk Size (Characters)',
				name: 'chunkChars',
				type: 'number',
				default: 200000,
				description: 'Larger inputs are split into chunks analysed in parallel and merged; nothing is truncated',
				typeOptions: { minValue: 1000 },
			},
			{
				displayName: 'Digest Size (Characters)',
				name: 'digestChars',
				type: 'number',
				default: 60000,
				description: 'Budget of the digest that replaces the raw input: the log digest for log roles, the FOCUS billing summary for cost roles',
				typeOptions: { minValue: 2000 },
			},
			{
				displayName: 'Log Format',
				name: 'logFormat',
				type: 'string',
				default: '',
				placeholder: '<Date> <Time> <Level> <Component>: <Content>',
				description:
					'Optional layout of log lines for the log digest: fields in angle brackets, the message as the Content field. Empty: the digest learns where the message starts from the log itself.',
			},
			{
				displayName: 'Max Concurrency',
				name: 'maxConcurrency',
				type: 'number',
				default: 10,
				description: 'Specialist calls in flight at once, across all items (Run Mode "Now"; a batch sends them all together)',
				typeOptions: { minValue: 1, maxValue: 100 },
			},
			{
				displayName: 'Record Metrics',
				name: 'recordMetrics',
				type: 'boolean',
				default: false,
				description: "Whether to count this node's calls in the agent metrics as they happen (active agents, tasks, tokens, cost); see the Agent Metrics node",
			},
			{
				displayName: 'Skip Specialists Without Input',
				name: 'skipWithoutInput',
				type: 'boolean',
				default: false,
				description: 'Whether a team member whose input is empty is left out (no call, no item) instead of failing; e.g. reviewers a plan switched off',
			},
		],
	},
];
