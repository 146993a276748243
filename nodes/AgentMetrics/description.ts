import type { INodeProperties } from 'n8n-workflow';
import { credentialSlot } from '../shared/n8n/credential-slot.ts';

export const agentMetricsProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'record',
		options: [
			{ name: 'Export', value: 'export', action: 'Export metrics', description: 'Prometheus text exposition, e.g. for a Respond to Webhook node' },
			{ name: 'Push', value: 'push', action: 'Push metrics', description: 'Send the metrics to a Prometheus Pushgateway' },
			{ name: 'Record', value: 'record', action: 'Record agent results', description: 'Count Specialist Agent and Coordinator results, passing the items through' },
		],
	},
	{
		displayName: 'Metrics Store',
		name: 'store',
		type: 'options',
		default: 'process',
		options: [
			// "n8n" is a name and keeps its lower case (the title-case rule would write "N8n").
			// eslint-disable-next-line n8n-nodes-base/node-param-display-name-miscased
			{ name: 'This n8n Process', value: 'process', description: 'Single n8n instance (regular mode)' },
			{ name: 'Redis (Queue Mode)', value: 'redis', description: 'Each worker publishes its metrics to Redis; Export sums all workers' },
		],
	},
	credentialSlot('redisCredential', { store: ['redis'] }),
	{
		displayName: 'Pushgateway URL',
		name: 'pushgatewayUrl',
		type: 'string',
		default: 'http://127.0.0.1:9091',
		required: true,
		displayOptions: { show: { operation: ['push'] } },
	},
	{
		displayName: 'Job Name',
		name: 'jobName',
		type: 'string',
		default: 'n8n_agent_swarm',
		displayOptions: { show: { operation: ['push'] } },
	},
	{
		displayName: 'Grouping Labels',
		name: 'groupings',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Label',
		description: 'Labels that identify this push group; "instance" defaults to this process, so workers do not overwrite each other',
		displayOptions: { show: { operation: ['push'] } },
		options: [
			{
				displayName: 'Label',
				name: 'label',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
];
