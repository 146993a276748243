/**
 * The editor as a user sees it: n8n 2.40.7 with this package installed, driven by headless
 * Chromium (Debian's package) through playwright-core. Screenshots are kept as artifacts in
 * .artifacts/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { N8nInstance, packPackage, ROOT, TEST_OWNER } from '../../scripts/lib/n8n-instance.ts';
import { readWorkflow } from '../../scripts/lib/workflows.ts';
import { systemTool } from '../helpers/system-tools.ts';

const CHROMIUM = systemTool('chromium', ['/usr/bin/chromium', '/usr/bin/chromium-browser']);
const SHOTS = join(ROOT, '.artifacts/screenshots');
/** Flags for a sandboxed machine without a network (no background calls to Google). */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

describe.skipIf(!CHROMIUM)('real n8n editor in headless Chromium', () => {
	const n8n = new N8nInstance();
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		n8n.installPackage(packPackage());
		n8n.importCredentials([
			{ id: 'agentSwarmAnthropic', name: 'Agent Swarm Anthropic', type: 'agentSwarmAnthropicApi', data: { apiKey: 'fake-editor-test-key', baseUrl: 'http://127.0.0.1:9' } },
			{ id: 'incidentWebhookAuth', name: 'Incident Webhook Auth', type: 'httpHeaderAuth', data: { name: 'X-Incident-Token', value: 'token' } },
			{ id: 'incidentReportsDb', name: 'Incident Reports DB', type: 'postgres', data: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', password: '', ssl: 'disable' } },
			{ id: 'costWebhookAuth', name: 'Cost Webhook Auth', type: 'httpHeaderAuth', data: { name: 'X-Cost-Token', value: 'token' } },
			{ id: 'pagerDutyApiToken', name: 'PagerDuty API Token', type: 'httpHeaderAuth', data: { name: 'Authorization', value: 'Token token=x' } },
			{ id: 'agentSwarmGitHub', name: 'GitHub Token', type: 'agentSwarmGitHubApi', data: { token: 'x', apiUrl: 'http://127.0.0.1:9' } },
			{ id: 'githubReviewBot', name: 'GitHub Review Bot', type: 'githubApi', data: { server: 'http://127.0.0.1:9', user: 'bot', accessToken: 'token' } },
			{ id: 'githubWebhookSecret', name: 'GitHub Webhook Secret', type: 'crypto', data: { hmacSecret: 'secret' } },
		]);
		n8n.importWorkflows(['incident-response-swarm.json', 'pr-review-pipeline.json', 'multi-cloud-cost-squad.json'].map(readWorkflow));
		await n8n.start();
		browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
		page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
		await page.goto(`${n8n.url}/signin`);
		await page.locator('input[name=emailOrLdapLoginId]').fill(TEST_OWNER.email);
		await page.locator('input[name=password]').fill(TEST_OWNER.password);
		await page.locator('[data-test-id=form-submit-button]').click();
		await page.waitForURL((u) => !u.pathname.includes('signin'), { timeout: 60_000 });
	}, 180_000);

	afterAll(async () => {
		await browser?.close();
		await n8n.stop();
		n8n.remove();
	});

	/** Opens a workflow in the editor; returns our nodes on the canvas after a screenshot. */
	async function open(id: string, screenshot: string) {
		await page.goto(`${n8n.url}/workflow/${id}`);
		await page.waitForSelector('[data-test-id=canvas-node][data-node-type^="n8n-nodes-agent-swarm."] img', { timeout: 60_000 });
		await page.waitForLoadState('networkidle');
		const ours = await page.$$eval('[data-test-id=canvas-node][data-node-type^="n8n-nodes-agent-swarm."]', (nodes) =>
			nodes.map((n) => {
				const img = n.querySelector('img');
				return { name: n.getAttribute('data-node-name'), type: n.getAttribute('data-node-type'), icon: img?.getAttribute('src') ?? '', loaded: (img?.naturalWidth ?? 0) > 0 };
			}),
		);
		await page.screenshot({ path: join(SHOTS, screenshot) });
		return ours;
	}

	it('opens the incident workflow with our nodes and their own icons', async () => {
		const ours = await open('agentSwarmIncidentResponse', 'incident-workflow.png');
		expect(ours.map((n) => n.name).sort()).toEqual([
			'Alert Intake',
			'Check Daily Budget',
			'Gather Evidence',
			'Incident Commander',
			'Incident Specialists',
			'Live Metrics',
			'Recent Commits',
			'Record Metrics',
			'Record Outcome',
		]);
		for (const node of ours) {
			expect(node.loaded, `${node.name} icon ${node.icon}`).toBe(true);
			expect(node.icon).toMatch(/^\/icons\/n8n-nodes-agent-swarm\/dist\/nodes\/\w+\/\w+\.svg$/);
		}
		// Each node type has its own icon (Alert Intake twice, Evidence Fetch three times).
		expect(new Set(ours.map((n) => n.icon)).size).toBe(6);
		// A built-in node next to ours still renders (the canvas is the whole workflow).
		expect(await page.locator('[data-test-id=canvas-node]').count()).toBeGreaterThanOrEqual(19);
	});

	it('opens the PR review and cost workflows with our nodes (screenshots for the docs)', async () => {
		const review = await open('agentSwarmPrReview', 'pr-review-workflow.png');
		expect(review.map((n) => n.name)).toEqual(expect.arrayContaining(['Screen Delivery', 'Plan Review', 'Budget Check', 'Reviewers', 'Review Lead', 'Record Metrics', 'Decide Review', 'Record Review']));
		const cost = await open('agentSwarmCostSquad', 'cost-squad-workflow.png');
		expect(cost.map((n) => n.name).sort()).toEqual(['Cloud Cost Specialists', 'FinOps Lead', 'Read FOCUS Export', 'Record Metrics']);
		expect([...review, ...cost].every((n) => n.loaded)).toBe(true);
	});

	it('finds our nodes when searching the node panel', async () => {
		await page.locator('[data-test-id=node-creator-plus-button]').click();
		const search = page.locator('[data-test-id=node-creator-search-bar]');
		await search.waitFor();
		for (const [term, name] of [['Specialist', 'Specialist Agent'], ['Coordinator', 'Coordinator'], ['Token Budget', 'Token Budget'], ['Agent Metrics', 'Agent Metrics']]) {
			await search.fill(term);
			const item = page.locator('[data-test-id=node-creator-item-name]', { hasText: new RegExp(`^${name}$`) });
			await item.first().waitFor({ timeout: 15_000 });
			if (term === 'Specialist') await page.screenshot({ path: join(SHOTS, 'node-panel-search-specialist.png') });
			expect(await item.count()).toBeGreaterThanOrEqual(1);
		}
	});
});
