/**
 * Datadog webhooks integration. The default payload has body, last_updated, event_type,
 * title, date, org and id; the transition is then only in the title ("[Triggered] ...",
 * "[Recovered] ..."). Payloads extended with the documented variables ($ALERT_TRANSITION,
 * $ALERT_ID, $ALERT_CYCLE_KEY, $TAGS, $ALERT_PRIORITY ...) are read too.
 * https://docs.datadoghq.com/integrations/webhooks/
 */
import { AlertRejected, isoTime, severityOf, shortHash, tagMap, text, serviceFrom } from '../incident.ts';
import type { AlertFormat } from './format.ts';

/** $ALERT_TRANSITION values, and the same words as title prefixes. */
const TRANSITION = /^\s*(?:\[(P[1-5])\]\s*)?\[(Recovered|Triggered|Re-Triggered|Warn|Re-Warn|No Data|Re-No Data|Renotify)(?: on [^\]]*)?\]\s*/i;

export const datadog: AlertFormat = {
	name: 'datadog',
	label: 'Datadog webhook (default payload or with $ALERT_* variables)',
	docUrl: 'https://docs.datadoghq.com/integrations/webhooks/',
	matches: (body) =>
		('alert_transition' in body || 'event_type' in body) && ('title' in body || 'alert_title' in body) && ('org' in body || 'last_updated' in body || 'alert_id' in body),
	normalise(body, options) {
		const rawTitle = text(body.title) ?? text(body.alert_title) ?? text(body.event_title);
		if (!rawTitle) throw new AlertRejected('title', 'is missing', 'keep "title": "$EVENT_TITLE" in the Datadog webhook payload');
		const prefix = TRANSITION.exec(rawTitle);
		const transition = text(body.alert_transition) ?? prefix?.[2] ?? null;
		if (!transition) {
			throw new AlertRejected('alert_transition', `cannot tell whether "${rawTitle.slice(0, 80)}" fired or recovered`, 'add "alert_transition": "$ALERT_TRANSITION" to the Datadog webhook payload');
		}
		const word = transition.toLowerCase();
		const resolved = word === 'recovered';
		const tags = tagMap(body.tags);
		const scope = tagMap(body.alert_scope);
		const title = rawTitle.replace(TRANSITION, '').trim() || rawTitle;
		const monitor = text(body.alert_id);
		// The alert cycle links a trigger to its recovery; without it the monitor and scope, then the title.
		const groupKey = text(body.alert_cycle_key) ?? (monitor ? `${monitor}:${text(body.alert_scope) ?? ''}` : `title:${title}`);
		const priority = text(body.alert_priority) ?? text(body.priority) ?? prefix?.[1] ?? null;
		const severity = priority && /^P[1-5]$/i.test(priority) ? severityOf(priority) : /warn/.test(word) ? 'medium' : severityOf(body.alert_type);
		const at = isoTime(body.date) ?? isoTime(body.last_updated);
		const labels: Record<string, string> = { ...tags, ...scope };
		if (monitor) labels.monitor_id = monitor;
		if (priority) labels.priority = priority;
		if (text(body.alert_metric)) labels.metric = String(body.alert_metric);
		const annotations: Record<string, string> = {};
		if (text(body.body)) annotations.description = String(body.body);
		if (text(body.alert_status)) annotations.status = String(body.alert_status);
		if (text(body.alert_query)) annotations.query = String(body.alert_query);
		if (text(body.link)) annotations.link = String(body.link);
		return {
			incident_id: `DD-${shortHash(groupKey)}`,
			source: 'datadog',
			status: resolved ? 'resolved' : 'firing',
			action: resolved ? 'resolve' : 'trigger',
			severity,
			service: serviceFrom(labels) ?? text(body.hostname) ?? text(body.host_name) ?? options.defaultService ?? null,
			title,
			labels,
			annotations,
			runbook_url: null,
			starts_at: resolved ? null : at,
			ends_at: resolved ? at : null,
			fingerprint: shortHash(groupKey, 16),
			group_key: `datadog:${groupKey}`,
			alerts: [],
			expr: null,
			generator_url: text(body.link),
			external_url: text(body.link),
			event: transition,
			truncated_alerts: 0,
		};
	},
};
