/**
 * Our own JSON: `incident_id` plus optional status, severity, service, title, labels,
 * annotations, runbook_url, starts_at, and pasted evidence (logs, metrics, recent_commits,
 * infrastructure, cost_data) or URLs to fetch it from (logs_url, metrics_url, commits_url,
 * infrastructure_url, cost_url). Documented in the README ("Incident response swarm").
 */
import { AlertRejected, exprOf, isObject, isoTime, runbookFrom, serviceFrom, severityOf, shortHash, stringMap, text } from '../incident.ts';
import type { AlertFormat } from './format.ts';

export const EVIDENCE_FIELDS = ['logs', 'metrics', 'recent_commits', 'infrastructure', 'cost_data'] as const;
export const EVIDENCE_URL_FIELDS = ['logs_url', 'metrics_url', 'commits_url', 'infrastructure_url', 'cost_url'] as const;

const ID_PATTERN = /^[\w.:\-/#@]{1,200}$/;

export const ownJson: AlertFormat = {
	name: 'json',
	label: 'Agent Swarm JSON ({"incident_id": "INC-1", "logs": ..., "metrics_url": ...})',
	docUrl: 'https://github.com/n8n-nodes-agent-swarm/n8n-nodes-agent-swarm#incident-response-swarm',
	matches: (body) => 'incident_id' in body,
	normalise(body, options) {
		const id = incidentId(body.incident_id);
		const status = body.status === undefined || body.status === 'firing' ? 'firing' : body.status === 'resolved' ? 'resolved' : undefined;
		if (!status) throw new AlertRejected('status', `is "${String(body.status)}"`, 'use "firing" (the default) or "resolved"');
		const labels = stringMap(body.labels);
		const annotations = stringMap(body.annotations);
		const evidence: Record<string, unknown> = {};
		for (const field of [...EVIDENCE_FIELDS, ...EVIDENCE_URL_FIELDS]) if (body[field] !== undefined && body[field] !== null) evidence[field] = body[field];
		const groupKey = `json:${id}`;
		return {
			incident_id: id,
			source: 'json',
			status,
			action: status === 'firing' ? 'trigger' : 'resolve',
			severity: severityOf(body.severity ?? labels.severity),
			service: text(body.service) ?? serviceFrom(labels) ?? options.defaultService ?? null,
			title: text(body.title) ?? text(body.summary) ?? annotations.summary ?? id,
			labels,
			annotations,
			runbook_url: text(body.runbook_url) ?? runbookFrom(annotations),
			starts_at: isoTime(body.starts_at),
			ends_at: isoTime(body.ends_at),
			fingerprint: text(body.fingerprint) ?? shortHash(groupKey, 16),
			group_key: groupKey,
			alerts: [],
			expr: text(body.expr) ?? exprOf(body.generator_url, annotations),
			generator_url: text(body.generator_url),
			external_url: null,
			event: status,
			truncated_alerts: 0,
			evidence,
		};
	},
};

function incidentId(value: unknown): string {
	const fix = 'send a non-empty text id such as "INC-1042" (letters, digits and . _ - : / # @, at most 200 characters)';
	if (value === null || value === undefined) throw new AlertRejected('incident_id', 'is missing', fix);
	if (typeof value === 'number') {
		if (!Number.isInteger(value) || value <= 0) throw new AlertRejected('incident_id', `is ${value}`, fix);
		return String(value);
	}
	if (typeof value !== 'string' || !value.trim()) throw new AlertRejected('incident_id', isObject(value) || Array.isArray(value) ? 'is not text' : 'is empty', fix);
	const id = value.trim();
	// Ids are shown in Slack, PagerDuty and stored: markup such as <!channel> is refused here.
	if (!ID_PATTERN.test(id)) throw new AlertRejected('incident_id', `"${id.slice(0, 60)}" has characters that are not allowed`, fix);
	return id;
}
