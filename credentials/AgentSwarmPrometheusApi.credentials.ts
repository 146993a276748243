import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/** How Evidence Fetch authenticates to Prometheus (basic auth or a bearer token, as its web config allows). */
export class AgentSwarmPrometheusApi implements ICredentialType {
	name = 'agentSwarmPrometheusApi';

	displayName = 'Agent Swarm Prometheus API';

	icon: Icon = { light: 'file:agentSwarm.svg', dark: 'file:agentSwarm.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-agent-swarm/n8n-nodes-agent-swarm#live-evidence-from-prometheus';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			default: 'basic',
			options: [
				{ name: 'Basic Auth', value: 'basic' },
				{ name: 'Bearer Token', value: 'bearer' },
			],
		},
		{ displayName: 'User', name: 'username', type: 'string', default: '', displayOptions: { show: { authentication: ['basic'] } } },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '', displayOptions: { show: { authentication: ['basic'] } } },
		{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '', displayOptions: { show: { authentication: ['bearer'] } } },
	];
}
