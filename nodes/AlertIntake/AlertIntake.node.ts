import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { testAlertSignatures } from '../shared/alerts/credential-tests.ts';
import { runPerItem } from '../shared/n8n/item-runner.ts';
import { openStoreKind } from '../shared/n8n/store-fields.ts';
import { testRedisCredential } from '../shared/redis/credential-test.ts';
import type { OnceStore } from '../shared/stores/once-store.ts';
import { alertIntakeProperties, OUTPUT_NAMES } from './description.ts';
import { intakeItem, type IntakeSettings, type SignatureSecrets } from './intake.ts';
import { recordItem } from './record.ts';

export class AlertIntake implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Alert Intake',
		name: 'alertIntake',
		icon: { light: 'file:alertIntake.svg', dark: 'file:alertIntake.dark.svg' },
		group: ['transform'],
		// Saved workflows pin typeVersion 1; its output shapes are in shared/n8n/output-shapes.v1.ts.
		version: [1],
		defaultVersion: 1,
		subtitle: '={{ $parameter["operation"] === "record" ? "Record Outcome" : "Receive Alert" }}',
		description: 'Incidents from Alertmanager, Grafana, PagerDuty, Datadog, Opsgenie or JSON: one shape, once per incident',
		defaults: { name: 'Alert Intake' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{ $parameter["operation"] === "record" ? [{ type: "main" }] : ${JSON.stringify(OUTPUT_NAMES.map((displayName) => ({ type: 'main', displayName })))} }}`,
		// Written out here: n8n's lint reads the credentials (and who tests them) from this literal.
		credentials: [
			{ name: 'agentSwarmRedisApi', required: true, displayOptions: { show: { store: ['redis'] } }, testedBy: 'agentSwarmRedisTest' },
			{ name: 'agentSwarmAlertSignaturesApi', required: true, displayOptions: { show: { operation: ['intake'], verifySignatures: [true] } }, testedBy: 'agentSwarmAlertSignaturesTest' },
		],
		properties: alertIntakeProperties,
	};

	methods = { credentialTest: { agentSwarmRedisTest: testRedisCredential, agentSwarmAlertSignaturesTest: testAlertSignatures } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const windowMs = Math.max(1, Number(this.getNodeParameter('repeatWindowMinutes', 0, 240))) * 60_000;
		let opened: Promise<OnceStore> | undefined;
		// Opened once per run, and only when an item needs it (a rejected body never touches the store).
		const store = () => (opened ??= openStoreKind(this, this.getNodeParameter('store', 0, 'embedded') as string).then(({ kind, access }) => kind.once(access)));
		if (operation === 'record') return runPerItem(this, (i) => recordItem(this, i, store, windowMs));
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const settings: IntakeSettings = {
			formats: this.getNodeParameter('formats', 0, []) as string[],
			defaultService: String(this.getNodeParameter('defaultService', 0, '') ?? ''),
			once: this.getNodeParameter('oncePerIncident', 0, true) as boolean,
			windowMs,
			claimMs: Math.max(1, Number(this.getNodeParameter('analysisTimeoutMinutes', 0, 15))) * 60_000,
			store,
			signatures: (this.getNodeParameter('verifySignatures', 0, false) as boolean) ? await signatureSecrets(this) : undefined,
			rawBodyProperty: String(options.rawBodyProperty ?? 'data'),
			maxSignatureAgeSeconds: Number(options.maxSignatureAgeSeconds ?? 300),
		};
		return runPerItem(this, (i, item) => intakeItem(this, i, item, settings), { outputs: OUTPUT_NAMES.length, concurrency: 4 });
	}
}

async function signatureSecrets(ctx: IExecuteFunctions): Promise<SignatureSecrets> {
	const c = await ctx.getCredentials('agentSwarmAlertSignaturesApi');
	return {
		pagerDuty: String(c.pagerDutySecrets ?? '')
			.split(/[\s,]+/)
			.filter(Boolean),
		grafana: c.grafanaSecret ? String(c.grafanaSecret) : undefined,
		grafanaSignatureHeader: String(c.grafanaSignatureHeader || 'X-Grafana-Alerting-Signature'),
		grafanaTimestampHeader: c.grafanaTimestampHeader ? String(c.grafanaTimestampHeader) : undefined,
	};
}
