/**
 * Every alert format the intake reads, in the order they are tried, and the one entry point
 * that turns a webhook body into an incident or a rejection naming the field and the fix.
 */
import { AlertRejected, isObject, type Incident } from '../incident.ts';
import { alertmanager } from './alertmanager.ts';
import { datadog } from './datadog.ts';
import type { AlertFormat, NormaliseOptions } from './format.ts';
import { grafana } from './grafana.ts';
import { opsgenie } from './opsgenie.ts';
import { ownJson } from './own-json.ts';
import { pagerduty } from './pagerduty.ts';

/** In the order people know them (and messages list them). */
export const ALERT_FORMATS: readonly AlertFormat[] = [alertmanager, grafana, pagerduty, datadog, opsgenie, ownJson];
/** In the order they are tried: Grafana's payload also passes Alertmanager's check; our own JSON last. */
const TRY_ORDER: readonly AlertFormat[] = [grafana, alertmanager, pagerduty, opsgenie, datadog, ownJson];

export function acceptedFormats(): string {
	return ALERT_FORMATS.map((f) => f.label).join('; ');
}

export function formatNamed(name: string): AlertFormat | undefined {
	return ALERT_FORMATS.find((f) => f.name === name);
}

/**
 * The incident a webhook body describes. `only` limits the formats tried (a webhook URL per
 * sender). Throws AlertRejected for anything else: never a generic error.
 */
export function normaliseAlert(body: unknown, options: NormaliseOptions & { only?: string[] } = {}): Incident {
	const allowed = (list: readonly AlertFormat[]) => (options.only?.length ? list.filter((f) => options.only!.includes(f.name)) : list);
	const formats = allowed(TRY_ORDER);
	const accepted = allowed(ALERT_FORMATS).map((f) => f.label).join('; ');
	if (body === undefined || body === null || body === '' || (isObject(body) && Object.keys(body).length === 0)) {
		throw new AlertRejected('body', 'is empty', `POST a JSON object in one of the accepted formats: ${accepted}`);
	}
	if (Array.isArray(body)) throw new AlertRejected('body', 'is a JSON array', `POST one JSON object in one of the accepted formats: ${accepted}`);
	if (!isObject(body)) throw new AlertRejected('body', `is ${typeof body === 'string' ? 'text, not JSON' : typeof body}`, `POST a JSON object (Content-Type: application/json) in one of the accepted formats: ${accepted}`);
	const format = formats.find((f) => f.matches(body));
	if (!format) {
		throw new AlertRejected('body', 'matches none of the accepted alert formats', `send one of: ${accepted}. For our own JSON the field "incident_id" is required`);
	}
	return format.normalise(body, options);
}

export { AlertRejected };
export type { AlertFormat, Incident };
