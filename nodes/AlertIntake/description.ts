import type { INodeProperties } from 'n8n-workflow';
import { ALERT_FORMATS } from '../shared/alerts/formats/index.ts';
import { credentialSlot } from '../shared/n8n/credential-slot.ts';
import { REDIS_STORES, storeField } from '../shared/n8n/store-fields.ts';

const intakeOnly = { show: { operation: ['intake'] } };
const recordOnly = { show: { operation: ['record'] } };

export const OUTPUT_NAMES = ['New Incident', 'Repeat or Update', 'Resolved', 'Rejected'] as const;

export const alertIntakeProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'intake',
		options: [
			{
				name: 'Receive Alert',
				value: 'intake',
				action: 'Receive an alert',
				description: 'Recognise the sender, normalise to one incident, and route: new, repeat, resolved or rejected',
			},
			{
				name: 'Record Outcome',
				value: 'record',
				action: 'Record the outcome of an incident',
				description: "Keep the report's ID and status for repeats, or give the incident up after a failed run",
			},
		],
	},
	{
		displayName: 'Accepted Formats',
		name: 'formats',
		type: 'multiOptions',
		default: ['alertmanager', 'grafana', 'pagerduty', 'datadog', 'opsgenie', 'json'],
		options: ALERT_FORMATS.map((f) => ({ name: f.label, value: f.name, description: f.docUrl })),
		displayOptions: intakeOnly,
		description: 'Payloads this webhook accepts; anything else is answered 400 with the list',
	},
	{
		displayName: 'Default Service',
		name: 'defaultService',
		type: 'string',
		default: '',
		displayOptions: intakeOnly,
		description: 'Service named in the incident when the alert carries no service, app or job label',
	},
	{
		displayName: 'Once per Incident',
		name: 'oncePerIncident',
		type: 'boolean',
		default: true,
		displayOptions: { show: { operation: ['intake'] } },
		description: 'Whether a repeat of a firing alert group within the window is answered with the earlier report instead of a new analysis',
	},
	{
		displayName: 'Repeat Window (Minutes)',
		name: 'repeatWindowMinutes',
		type: 'number',
		default: 240,
		typeOptions: { minValue: 1 },
		displayOptions: { show: { operation: ['intake', 'record'] } },
		description: "How long a firing incident's analysis stands (Alertmanager's default repeat_interval is 4 h)",
	},
	{
		displayName: 'Analysis Timeout (Minutes)',
		name: 'analysisTimeoutMinutes',
		type: 'number',
		default: 15,
		typeOptions: { minValue: 1 },
		displayOptions: intakeOnly,
		description: 'A run that records no outcome within this time (it crashed or hit its deadline) gives the incident up, so the next delivery is analysed',
	},
	storeField({
		name: 'store',
		displayName: 'Incident State Store',
		description: 'Where "once per incident" state lives: choose Redis in queue mode so every worker sees it',
		displayOptions: { show: { operation: ['intake', 'record'] } },
	}),
	credentialSlot('redisCredential', { operation: ['intake', 'record'], store: REDIS_STORES }),
	{
		displayName: 'Verify Signatures',
		name: 'verifySignatures',
		type: 'boolean',
		default: false,
		displayOptions: intakeOnly,
		description:
			'Whether PagerDuty (X-PagerDuty-Signature) and Grafana (HMAC) deliveries must carry a valid signature. Needs the "Raw Body" option on the Webhook node and an Agent Swarm Alert Signatures credential.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: intakeOnly,
		options: [
			{
				displayName: 'Raw Body Property',
				name: 'rawBodyProperty',
				type: 'string',
				default: 'data',
				description: 'Binary property holding the raw request body (Webhook option "Raw Body"); read instead of the parsed body when present',
			},
			{
				displayName: 'Max Signature Age (Seconds)',
				name: 'maxSignatureAgeSeconds',
				type: 'number',
				default: 300,
				description: 'Grafana signatures with a timestamp older than this are refused as replays',
			},
		],
	},
	{
		displayName: 'Incident ID',
		name: 'incidentId',
		type: 'string',
		default: '={{ $json.report.incident_id }}',
		displayOptions: recordOnly,
	},
	{
		displayName: 'Report ID',
		name: 'reportId',
		type: 'string',
		default: '={{ $json.report.report_id }}',
		displayOptions: recordOnly,
	},
	{
		displayName: 'Report Status',
		name: 'reportStatus',
		type: 'string',
		default: '={{ $json.report.status }}',
		displayOptions: recordOnly,
		description: 'Success, failed, budget_exhausted and so on'
	},
	{
		displayName: 'Severity',
		name: 'severity',
		type: 'string',
		default: '={{ $json.report.severity }}',
		displayOptions: recordOnly,
	},
	{
		displayName: 'Give Up Incident When Status Is',
		name: 'releaseStatuses',
		type: 'string',
		default: 'failed, error, budget_exhausted',
		displayOptions: recordOnly,
		description: 'Comma-separated statuses after which the next delivery of the incident is analysed again instead of answered as a repeat',
	},
];
