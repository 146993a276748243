/**
 * PagerDuty V3 webhooks: one event per delivery, `event.event_type` says what happened.
 * incident.triggered / reopened start an analysis, incident.resolved records the resolution,
 * every other event (acknowledged, annotated - our own note coming back -, escalated ...) is
 * acknowledged and ignored, so writing the report back can never start a loop.
 * https://github.com/PagerDuty/developer-docs/blob/main/docs/webhooks/01-Overview.md
 */
import { AlertRejected, isObject, isoTime, severityOf, text, type Incident } from '../incident.ts';
import type { AlertFormat } from './format.ts';

const TRIGGERS = new Set(['incident.triggered', 'incident.reopened']);
const RESOLVES = new Set(['incident.resolved']);
const PRIORITY_SEVERITY: Record<string, Incident['severity']> = { P1: 'critical', P2: 'high', P3: 'medium', P4: 'low', P5: 'info' };

export const pagerduty: AlertFormat = {
	name: 'pagerduty',
	label: 'PagerDuty V3 webhook (incident.triggered, incident.resolved, ...)',
	docUrl: 'https://github.com/PagerDuty/developer-docs/blob/main/docs/webhooks/01-Overview.md',
	matches: (body) => (isObject(body.event) && 'event_type' in body.event) || Array.isArray(body.messages),
	normalise(body) {
		if (Array.isArray(body.messages)) {
			throw new AlertRejected('messages', 'this is a PagerDuty V1/V2 webhook, which PagerDuty no longer supports', 'create a V3 webhook subscription (Integrations → Generic Webhooks (v3)) pointing at this URL');
		}
		const event = body.event as Record<string, unknown>;
		const eventType = text(event.event_type);
		if (!eventType) throw new AlertRejected('event.event_type', 'is missing', 'send the PagerDuty V3 webhook payload unchanged');
		const data = isObject(event.data) ? event.data : {};
		// Incident events carry the incident itself; note, responder and status-update events a reference to it.
		const incident = data.type === 'incident' ? data : isObject(data.incident) ? data.incident : undefined;
		const incidentId = text(incident?.id);
		if (!incidentId) throw new AlertRejected('event.data.id', `the ${eventType} event names no incident`, 'send the PagerDuty V3 webhook payload unchanged');
		const action = TRIGGERS.has(eventType) ? 'trigger' : RESOLVES.has(eventType) ? 'resolve' : 'ignore';
		const priority = isObject(incident?.priority) ? text(incident.priority.summary) : null;
		const service = isObject(incident?.service) ? text(incident.service.summary) : null;
		const severity: Incident['severity'] = (priority ? PRIORITY_SEVERITY[priority.toUpperCase()] : undefined) ?? (incident?.urgency === 'high' ? 'high' : incident?.urgency === 'low' ? 'low' : severityOf(priority));
		const status = action === 'resolve' || incident?.status === 'resolved' ? 'resolved' : 'firing';
		const labels: Record<string, string> = {};
		if (priority) labels.priority = priority;
		if (typeof incident?.urgency === 'string') labels.urgency = incident.urgency;
		if (service) labels.service = service;
		if (typeof incident?.incident_key === 'string') labels.incident_key = incident.incident_key;
		const htmlUrl = text(incident?.html_url);
		return {
			incident_id: `PD-${incidentId}`,
			source: 'pagerduty',
			status,
			action,
			severity,
			service,
			title: text(incident?.title) ?? text(incident?.summary) ?? `PagerDuty incident ${incidentId}`,
			labels,
			annotations: {},
			runbook_url: null,
			starts_at: isoTime(incident?.created_at) ?? isoTime(event.occurred_at),
			ends_at: status === 'resolved' ? isoTime(event.occurred_at) : null,
			fingerprint: incidentId,
			group_key: `pagerduty:${incidentId}`,
			alerts: [],
			expr: null,
			generator_url: htmlUrl,
			external_url: htmlUrl,
			event: eventType,
			truncated_alerts: 0,
			origin: { system: 'pagerduty', incident_id: incidentId, html_url: htmlUrl, number: typeof incident?.number === 'number' ? incident.number : null },
		};
	},
};
