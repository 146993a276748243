import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class AgentSwarmAnthropicApi implements ICredentialType {
	name = 'agentSwarmAnthropicApi';

	displayName = 'Agent Swarm Anthropic API';

	icon: Icon = { light: 'file:agentSwarm.svg', dark: 'file:agentSwarm.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-agent-swarm/n8n-nodes-agent-swarm#credential';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your Anthropic API key (console.anthropic.com → API Keys)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.anthropic.com',
			description: 'Change only for a gateway or proxy that speaks the Anthropic API, or a local simulator',
		},
		{
			displayName: 'Extra Header Name',
			name: 'headerName',
			type: 'string',
			default: '',
			description: 'Optional header sent with every request, e.g. for a gateway',
		},
		{
			displayName: 'Extra Header Value (Secret)',
			name: 'headerSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-api-key': '={{$credentials.apiKey}}',
				'anthropic-version': '2023-06-01',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/models',
			method: 'GET',
		},
	};
}
