import type { AlertFormat } from './format.ts';
import { normaliseGroup } from './alert-group.ts';
import { AlertRejected, text } from '../incident.ts';

/** Prometheus Alertmanager `webhook_config`, payload version 4. */
export const alertmanager: AlertFormat = {
	name: 'alertmanager',
	label: 'Prometheus Alertmanager (webhook_config, version 4)',
	docUrl: 'https://prometheus.io/docs/alerting/latest/configuration/#webhook_config',
	matches: (body) => Array.isArray(body.alerts) && 'groupKey' in body && !('orgId' in body),
	normalise(body, options) {
		if (text(body.version) !== '4') {
			throw new AlertRejected('version', `Alertmanager payload version "${String(body.version)}" is not known`, 'use an Alertmanager that sends webhook payload version 4 (all releases since 0.5)');
		}
		return normaliseGroup(body, 'alertmanager', 'AM', options);
	},
};
