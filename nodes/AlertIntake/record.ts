/** Record Outcome, for one item: keep the report's id and status for repeats, or give the incident up. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { recordOutcome } from '../shared/alerts/once-per-incident.ts';
import type { ItemOutput } from '../shared/n8n/item-runner.ts';
import { ParameterError } from '../shared/parameter-error.ts';
import type { OnceStore } from '../shared/stores/once-store.ts';

export async function recordItem(ctx: IExecuteFunctions, itemIndex: number, store: () => Promise<OnceStore>, windowMs: number): Promise<ItemOutput> {
	const item = ctx.getInputData()[itemIndex];
	const incidentId = String(ctx.getNodeParameter('incidentId', itemIndex, '') ?? '').trim();
	if (!incidentId) throw new ParameterError('Incident ID is empty. Fix: map it from the report, e.g. {{ $json.report.incident_id }}');
	const status = String(ctx.getNodeParameter('reportStatus', itemIndex, '') ?? '').trim() || 'unknown';
	const releaseStatuses = String(ctx.getNodeParameter('releaseStatuses', itemIndex, '') ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	const reportId = String(ctx.getNodeParameter('reportId', itemIndex, '') ?? '').trim() || undefined;
	const severity = String(ctx.getNodeParameter('severity', itemIndex, '') ?? '').trim() || undefined;
	const release = releaseStatuses.includes(status);
	const claim = await recordOutcome(await store(), incidentId, { report_id: reportId, status, severity, release }, windowMs);
	return { ...item.json, incident_state: { incident_id: incidentId, recorded: status, released: release, report_id: claim?.report_id ?? reportId ?? null } };
}
