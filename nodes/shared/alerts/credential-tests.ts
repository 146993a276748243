/**
 * Tests for credentials that hold secrets only: nothing remote to call, so they check the
 * credential is usable (a secret is set, in the form the sender issues it).
 */
import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

export async function testAlertSignatures(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const c = credential.data ?? {};
	const pagerDuty = String(c.pagerDutySecrets ?? '').split(/[\s,]+/).filter(Boolean);
	if (pagerDuty.length === 0 && !String(c.grafanaSecret ?? '').trim()) {
		return { status: 'Error', message: 'No secret is set. Fix: paste the PagerDuty signing secret or the Grafana HMAC secret' };
	}
	return { status: 'OK', message: `Secrets set for: ${[pagerDuty.length ? `PagerDuty (${pagerDuty.length})` : '', c.grafanaSecret ? 'Grafana' : ''].filter(Boolean).join(', ')}` };
}

export async function testPrometheusCredential(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const c = credential.data ?? {};
	const ok = c.authentication === 'bearer' ? String(c.token ?? '').trim() !== '' : String(c.username ?? '').trim() !== '';
	return ok ? { status: 'OK', message: 'Credential is complete; it is sent with each query to the Prometheus URL of the node' } : { status: 'Error', message: 'The user (basic auth) or the token (bearer) is empty' };
}
