/**
 * Opsgenie webhook integration: alert action data, one action per delivery. Create starts an
 * analysis, Close records the resolution, other actions (Acknowledge, AddNote, ...) are
 * acknowledged and ignored. Description and details come only with "Add Alert Description /
 * Details to Payload" on Create.
 * https://support.atlassian.com/opsgenie/docs/integrate-opsgenie-with-webhook/
 * https://support.atlassian.com/opsgenie/docs/opsgenie-edge-connector-alert-action-data/
 */
import { AlertRejected, isObject, isoTime, runbookFrom, serviceFrom, severityOf, shortHash, stringMap, text } from '../incident.ts';
import type { AlertFormat } from './format.ts';

export const opsgenie: AlertFormat = {
	name: 'opsgenie',
	label: 'Opsgenie webhook integration (alert actions Create, Close, ...)',
	docUrl: 'https://support.atlassian.com/opsgenie/docs/integrate-opsgenie-with-webhook/',
	matches: (body) => typeof body.action === 'string' && isObject(body.alert),
	normalise(body, options) {
		const alert = body.alert as Record<string, unknown>;
		const alertId = text(alert.alertId);
		if (!alertId) throw new AlertRejected('alert.alertId', 'is missing', 'send the Opsgenie webhook payload unchanged');
		const actionName = String(body.action);
		const action = actionName === 'Create' ? 'trigger' : actionName === 'Close' ? 'resolve' : 'ignore';
		// Opsgenie de-duplicates open alerts by alias: the same alias is the same incident.
		const groupKey = text(alert.alias) ?? alertId;
		const details = stringMap(alert.details);
		const tags = Array.isArray(alert.tags) ? alert.tags.map(String) : [];
		const labels: Record<string, string> = { ...details };
		for (const tag of tags) {
			const at = tag.indexOf(':');
			if (at > 0) labels[tag.slice(0, at)] ??= tag.slice(at + 1);
		}
		if (tags.length) labels.tags = tags.join(',');
		if (text(alert.priority)) labels.priority = String(alert.priority);
		const annotations: Record<string, string> = {};
		if (text(alert.description)) annotations.description = String(alert.description);
		const resolved = action === 'resolve';
		return {
			incident_id: `OG-${shortHash(groupKey)}`,
			source: 'opsgenie',
			status: resolved ? 'resolved' : 'firing',
			action,
			severity: severityOf(alert.priority ?? labels.severity),
			service: text(alert.entity) ?? serviceFrom(labels) ?? options.defaultService ?? null,
			title: text(alert.message)?.trim() ?? `Opsgenie alert ${alertId}`,
			labels,
			annotations,
			runbook_url: runbookFrom(details),
			starts_at: isoTime(alert.createdAt),
			ends_at: resolved ? isoTime(alert.updatedAt) : null,
			fingerprint: shortHash(groupKey, 16),
			group_key: `opsgenie:${groupKey}`,
			alerts: [],
			expr: null,
			generator_url: null,
			external_url: null,
			event: actionName,
			truncated_alerts: 0,
		};
	},
};
