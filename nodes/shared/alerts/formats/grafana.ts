import type { AlertFormat } from './format.ts';
import { normaliseGroup } from './alert-group.ts';

/** Grafana unified alerting, webhook contact point (payload version "1", with orgId). */
export const grafana: AlertFormat = {
	name: 'grafana',
	label: 'Grafana unified alerting (webhook contact point)',
	docUrl: 'https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/',
	matches: (body) => Array.isArray(body.alerts) && 'orgId' in body,
	normalise: (body, options) => normaliseGroup(body, 'grafana', 'GF', options),
};
