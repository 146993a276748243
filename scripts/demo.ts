/**
 * npm run demo [-- --once]
 *
 * Starts a pinned n8n 2.40.7 (embedded SQLite) with this package installed, imports all
 * workflows and credentials, fires the bundled sample incident and prints the coordinator's
 * report and cost, then runs the cost squad on the bundled FOCUS sample bill. Without
 * ANTHROPIC_API_KEY every Claude call goes to the project's loopback simulator (scenario
 * "demo"), and the output says SIMULATED. With it, calls go to ANTHROPIC_BASE_URL (the SDK's
 * convention, for gateways and proxies) or the Anthropic API. When the analysis fails the
 * demo says what failed and why, and exits non-zero. Leaves the editor running until Ctrl-C
 * (`--once`: stops after the reports, for tests).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { N8nInstance, packPackage, ROOT, TEST_OWNER } from './lib/n8n-instance.ts';
import { configure, readWorkflow } from './lib/workflows.ts';
import { SCENARIOS } from '../simulator/scenarios.ts';
import { ClaudeSimulator } from '../simulator/server.ts';
import { sampleIncident } from '../test/helpers/incident.ts';
import { StandIn } from '../test/helpers/stand-in.ts';

const { values } = parseArgs({ options: { once: { type: 'boolean', default: false } } });
const realKey = process.env.ANTHROPIC_API_KEY?.trim();
const realBaseUrl = process.env.ANTHROPIC_BASE_URL?.trim() || 'https://api.anthropic.com';
const say = (line = '') => process.stdout.write(`${line}\n`);

const sim = realKey ? undefined : new ClaudeSimulator({ defaultLatencyMs: 800 });
const slack = new StandIn((req) => {
	say(`\n[Slack (local stand-in) received]\n${(req.json as { text?: string })?.text ?? req.body}\n`);
	return { body: 'ok' };
});
const billing = new StandIn(() => ({ body: readFileSync(join(ROOT, 'test/fixtures/focus/focus_sample_1.0.csv'), 'utf8'), type: 'text/csv' }));
const n8n = new N8nInstance();
const token = randomBytes(12).toString('hex');


async function main(): Promise<void> {
	const claudeUrl = realKey ? realBaseUrl : await sim!.start();
	sim?.script(...SCENARIOS.demo);
	const slackUrl = await slack.start();
	const billingUrl = await billing.start();
	say(
		realKey
			? `Claude: ${claudeUrl} with your key (ANTHROPIC_API_KEY${process.env.ANTHROPIC_BASE_URL ? ' and ANTHROPIC_BASE_URL' : ''} set).`
			: `Claude: SIMULATED by the loopback server at ${claudeUrl} (set ANTHROPIC_API_KEY, and ANTHROPIC_BASE_URL for a gateway, for real analysis).`,
	);

	const incident = configure(readWorkflow('incident-response-swarm.json'), { slackWebhookUrl: `${slackUrl}/incidents` });
	const cost = configure(readWorkflow('multi-cloud-cost-squad.json'), { focusExportUrl: `${billingUrl}/focus_sample_1.0.csv`, allowedHosts: billingUrl, slackWebhookUrl: `${slackUrl}/finops` });
	say('Installing the package into n8n and importing the workflows ...');
	n8n.installPackage(packPackage());
	n8n.importCredentials([
		{ id: 'agentSwarmAnthropic', name: 'Agent Swarm Anthropic', type: 'agentSwarmAnthropicApi', data: { apiKey: realKey ?? 'simulated-key', baseUrl: claudeUrl } },
		{ id: 'incidentWebhookAuth', name: 'Incident Webhook Auth', type: 'httpHeaderAuth', data: { name: 'X-Incident-Token', value: token } },
		{ id: 'incidentReportsDb', name: 'Incident Reports DB', type: 'postgres', data: { host: '127.0.0.1', port: 5432, database: 'postgres', user: 'postgres', password: '', ssl: 'disable' } },
		{ id: 'costWebhookAuth', name: 'Cost Webhook Auth', type: 'httpHeaderAuth', data: { name: 'X-Cost-Token', value: token } },
		// The incident workflow's PagerDuty notes and GitHub commits, off until configured: replace in the editor.
		{ id: 'pagerDutyApiToken', name: 'PagerDuty API Token', type: 'httpHeaderAuth', data: { name: 'Authorization', value: 'Token token=replace-with-a-pagerduty-rest-api-key' } },
		{ id: 'agentSwarmGitHub', name: 'GitHub Token', type: 'agentSwarmGitHubApi', data: { token: 'replace-with-a-github-token', apiUrl: 'https://api.github.com' } },
		// The PR pipeline is imported ready to be pointed at a repository: replace both in the editor.
		{ id: 'githubReviewBot', name: 'GitHub Review Bot', type: 'githubApi', data: { server: 'https://api.github.com', user: 'review-bot', accessToken: 'replace-with-a-github-token' } },
		{ id: 'githubWebhookSecret', name: 'GitHub Webhook Secret', type: 'crypto', data: { hmacSecret: randomBytes(16).toString('hex') } },
	]);
	n8n.importWorkflows([
		incident,
		readWorkflow('pr-review-pipeline.json'),
		cost,
		readWorkflow('agent-metrics-endpoint.json'),
		readWorkflow('examples/specialist-team.json'),
	]);
	say('Starting n8n ...');
	await n8n.start();
	await n8n.waitForWebhook('incident-alert');

	say('\nFiring the sample incident INC-DEMO (five specialists in parallel, then the coordinator) ...');
	const started = Date.now();
	const res = await fetch(`${n8n.url}/webhook/incident-alert?wait=true`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-incident-token': token },
		body: JSON.stringify(sampleIncident('INC-DEMO')),
	});
	const text = await res.text();
	const parsed = parseReport(text);
	say(`\n=== Incident report${realKey ? '' : ' (SIMULATED model output)'} — HTTP ${res.status}, ${Date.now() - started} ms ===`);
	const failed = analysisFailure(res.status, parsed, text);
	if (failed || !parsed) {
		say(failed);
		return stop(1);
	}
	const report = parsed;
	say(`Severity:     ${report.severity}`);
	say(`Root cause:   ${report.root_cause?.summary} (confidence ${report.root_cause?.confidence}%)`);
	for (const step of report.remediation ?? []) say(`Remediation ${step.priority}: ${step.action}`);
	say(`MTTR:         ~${report.mttr_minutes} min`);
	say(`Impact:       ${report.business_impact}`);
	say(`Evidence:     ${report.based_on}`);
	say(`Cost:         $${Number(report.cost_usd ?? 0).toFixed(5)} for ${report.tokens ? report.tokens.input_tokens + report.tokens.output_tokens : '?'} tokens, ${report.wall_ms} ms of agent time`);

	say('\nRunning the multi-cloud cost squad on the bundled FOCUS sample bill (1,000 rows) ...');
	await n8n.waitForWebhook('cost-squad');
	const posted = slack.received.length;
	await fetch(`${n8n.url}/webhook/cost-squad`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-cost-token': token }, body: '{}' });
	const deadline = Date.now() + 120_000;
	while (!slack.received.slice(posted).some((r) => r.path === '/finops') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

	say(`\nEditor:  ${n8n.url}   login ${TEST_OWNER.email} / ${TEST_OWNER.password}`);
	say(`Try it:  curl -X POST '${n8n.url}/webhook/incident-alert?wait=true' -H 'X-Incident-Token: ${token}' -H 'content-type: application/json' -d '{"incident_id":"INC-2","logs":"ERROR db timeout"}'`);
	say(`Metrics: curl ${n8n.url}/webhook/agent-metrics`);
	if (values.once) return stop(0);
	say('\nCtrl-C stops everything.');
}

function parseReport(text: string): Record<string, any> | undefined {
	try {
		return JSON.parse(text) as Record<string, any>;
	} catch {
		return undefined;
	}
}

/** What failed and why, when the incident was not analysed; undefined when it was. */
function analysisFailure(status: number, report: Record<string, any> | undefined, text: string): string | undefined {
	if (status !== 200 || !report) return `The analysis failed: the workflow answered HTTP ${status}: ${text.slice(0, 500)}`;
	if (report.status === 'success' && report.root_cause) return undefined;
	const why = report.error ? `${report.error.type}: ${report.error.message}${report.error.request_id ? ` (request ${report.error.request_id})` : ''}` : 'no error was reported';
	return [
		`The analysis failed: status "${report.status ?? 'unknown'}" — ${why}.`,
		report.based_on ? `Specialists: ${report.based_on}.` : '',
		realKey ? `Check the key, ${realBaseUrl} and that it can be reached from here.` : '',
	]
		.filter(Boolean)
		.join('\n');
}

async function stop(code: number): Promise<void> {
	await n8n.stop();
	await Promise.all([sim?.stop(), slack.stop(), billing.stop()]);
	n8n.remove();
	process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
main().catch(async (error) => {
	process.stderr.write(`demo failed: ${(error as Error).message}\n`);
	await stop(1);
});
