/**
 * Alertmanager's webhook and Grafana's unified-alerting webhook send the same group shape
 * (Grafana's adds orgId, values and a few deprecated fields): read both here once.
 * https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
 * https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/
 */
import {
	AlertRejected,
	exprOf,
	isObject,
	isoTime,
	runbookFrom,
	serviceFrom,
	severityOf,
	shortHash,
	stringMap,
	text,
	type AlertEntry,
	type Incident,
} from '../incident.ts';
import type { NormaliseOptions } from './format.ts';

export function normaliseGroup(body: Record<string, unknown>, source: string, idPrefix: string, options: NormaliseOptions): Incident {
	if (!Array.isArray(body.alerts)) throw new AlertRejected('alerts', 'must be an array of alerts', `send the ${source} payload unchanged`);
	if (body.alerts.length === 0) throw new AlertRejected('alerts', 'is empty: there is no alert to analyse', `send the ${source} payload unchanged`);
	const commonLabels = stringMap(body.commonLabels);
	const commonAnnotations = stringMap(body.commonAnnotations);
	const alerts = body.alerts.map((raw, i) => readAlert(raw, i));
	const firing = alerts.filter((a) => a.status === 'firing');
	const status = firing.length > 0 ? 'firing' : 'resolved';
	const groupKey = text(body.groupKey) ?? `${text(body.receiver) ?? ''}:${JSON.stringify(commonLabels)}`;
	// The first alert that fired speaks for the group when labels differ between alerts.
	const lead = [...(firing.length ? firing : alerts)].sort((a, b) => (a.starts_at ?? '').localeCompare(b.starts_at ?? ''))[0];
	const labels = { ...lead.labels, ...commonLabels };
	const annotations = { ...lead.annotations, ...commonAnnotations };
	const starts = alerts.map((a) => a.starts_at).filter((t): t is string => Boolean(t)).sort();
	const ends = alerts.map((a) => a.ends_at).filter((t): t is string => Boolean(t)).sort();
	const id = `${idPrefix}-${shortHash(groupKey)}`;
	return {
		incident_id: id,
		source,
		status,
		action: status === 'firing' ? 'trigger' : 'resolve',
		severity: severityOf(labels.severity ?? labels.priority ?? labels.level),
		service: serviceFrom(commonLabels, labels) ?? options.defaultService ?? null,
		title: titleOf(body, labels, annotations),
		labels,
		annotations,
		runbook_url: runbookFrom(annotations, labels),
		starts_at: starts[0] ?? null,
		ends_at: status === 'resolved' ? (ends.at(-1) ?? null) : null,
		fingerprint: alerts.length === 1 && alerts[0].fingerprint ? alerts[0].fingerprint : shortHash(groupKey, 16),
		group_key: groupKey,
		alerts,
		expr: lead.expr ?? alerts.find((a) => a.expr)?.expr ?? null,
		generator_url: lead.generator_url,
		external_url: text(body.externalURL),
		event: status,
		truncated_alerts: Number(body.truncatedAlerts) > 0 ? Number(body.truncatedAlerts) : 0,
	};
}

function readAlert(raw: unknown, index: number): AlertEntry {
	if (!isObject(raw)) throw new AlertRejected(`alerts[${index}]`, 'is not an object', 'send the payload unchanged');
	const status = raw.status === 'resolved' ? 'resolved' : raw.status === 'firing' ? 'firing' : undefined;
	if (!status) throw new AlertRejected(`alerts[${index}].status`, `is "${String(raw.status)}"`, 'each alert\'s status must be "firing" or "resolved"');
	const labels = stringMap(raw.labels);
	const annotations = stringMap(raw.annotations);
	return {
		status,
		labels,
		annotations,
		starts_at: isoTime(raw.startsAt),
		ends_at: isoTime(raw.endsAt),
		fingerprint: text(raw.fingerprint),
		generator_url: text(raw.generatorURL),
		expr: exprOf(raw.generatorURL, annotations),
		...(isObject(raw.values) ? { values: raw.values } : {}),
	};
}

function titleOf(body: Record<string, unknown>, labels: Record<string, string>, annotations: Record<string, string>): string {
	return annotations.summary ?? annotations.title ?? labels.alertname ?? text(body.title) ?? 'Alert';
}
