import type { INodeProperties } from 'n8n-workflow';

/** Facts about the run that every agent gets with its data. */
export const contextProperty: INodeProperties = {
	displayName: 'Context',
	name: 'context',
	type: 'collection',
	placeholder: 'Add Context',
	default: {},
	description: 'Facts given to the agents with the data',
	options: [
		{ displayName: 'Environment', name: 'environment', type: 'string', default: '', placeholder: 'production' },
		{ displayName: 'Notes', name: 'notes', type: 'string', default: '' },
		{ displayName: 'Service', name: 'service', type: 'string', default: '' },
		{ displayName: 'Time Window', name: 'timeWindow', type: 'string', default: '', placeholder: '2026-11-25 02:00–02:30 UTC' },
		{ displayName: 'Traffic', name: 'traffic', type: 'string', default: '', placeholder: '1,200 req/s, normal for a Tuesday' },
	],
};
