import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/** Redis for state shared by several n8n processes (queue mode): budget ledger and metrics. */
export class AgentSwarmRedisApi implements ICredentialType {
	name = 'agentSwarmRedisApi';

	displayName = 'Agent Swarm Redis';

	icon: Icon = { light: 'file:agentSwarm.svg', dark: 'file:agentSwarm.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-agent-swarm/n8n-nodes-agent-swarm#redis-credential';

	properties: INodeProperties[] = [
		{ displayName: 'Host', name: 'host', type: 'string', default: '127.0.0.1' },
		{ displayName: 'Port', name: 'port', type: 'number', default: 6379 },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Database Number', name: 'database', type: 'number', default: 0 },
		{ displayName: 'SSL', name: 'ssl', type: 'boolean', default: false, description: 'Whether to connect with TLS' },
		{
			displayName: 'Key Prefix',
			name: 'keyPrefix',
			type: 'string',
			default: 'agentswarm:',
			description: 'Prefix of every key written, so several installations can share one Redis',
		},
	];
}
