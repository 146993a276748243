import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/** Secrets alert senders sign their webhook deliveries with, checked by Alert Intake. */
export class AgentSwarmAlertSignaturesApi implements ICredentialType {
	name = 'agentSwarmAlertSignaturesApi';

	displayName = 'Agent Swarm Alert Signatures API';

	icon: Icon = { light: 'file:agentSwarm.svg', dark: 'file:agentSwarm.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-agent-swarm/n8n-nodes-agent-swarm#alert-intake';

	properties: INodeProperties[] = [
		{
			displayName: 'PagerDuty Signing Secrets',
			name: 'pagerDutySecrets',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The secret PagerDuty shows when the V3 webhook subscription is created; several separated by commas during a rotation. Empty: PagerDuty deliveries are not checked.',
		},
		{
			displayName: 'Grafana HMAC Secret',
			name: 'grafanaSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: "The secret of the webhook contact point's HMAC signature. Empty: Grafana deliveries are not checked.",
		},
		{
			displayName: 'Grafana Signature Header',
			name: 'grafanaSignatureHeader',
			type: 'string',
			default: 'X-Grafana-Alerting-Signature',
		},
		{
			displayName: 'Grafana Timestamp Header',
			name: 'grafanaTimestampHeader',
			type: 'string',
			default: '',
			placeholder: 'X-Grafana-Alerting-Timestamp',
			description: 'Set when the contact point sends a timestamp header: it is then signed and checked for age (replays)',
		},
	];
}
