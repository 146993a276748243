import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** A GitHub token that can read the repositories' commits (fine-grained: Contents read). */
export class AgentSwarmGitHubApi implements ICredentialType {
	name = 'agentSwarmGitHubApi';

	displayName = 'Agent Swarm GitHub API';

	icon: Icon = { light: 'file:agentSwarm.svg', dark: 'file:agentSwarm.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-agent-swarm/n8n-nodes-agent-swarm#live-evidence-from-prometheus';

	properties: INodeProperties[] = [
		{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'API URL', name: 'apiUrl', type: 'string', default: 'https://api.github.com', description: 'Used by the credential test' },
	];

	authenticate: IAuthenticateGeneric = { type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.token}}' } } };

	test: ICredentialTestRequest = { request: { baseURL: '={{$credentials.apiUrl}}', url: '/user' } };
}
