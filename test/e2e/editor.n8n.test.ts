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
import { NODE_FORMS_WORKFLOW } from '../fixtures/editor/node-forms.ts';
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
		n8n.importWorkflows([...['incident-response-swarm.json', 'pr-review-pipeline.json', 'multi-cloud-cost-squad.json'].map(readWorkflow), NODE_FORMS_WORKFLOW]);
		await n8n.start();
		browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
		page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
		page.setDefaultTimeout(60_000);
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
		expect(cost.map((n) => n.name).sort()).toEqual(['Check Export URL', 'Cloud Cost Specialists', 'FinOps Lead', 'Read FOCUS Export', 'Record Metrics']);
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
	/**
	 * Opens one node of the forms workflow and reads its form as a user sees it: the labels of
	 * the Parameters tab in screen order (the credential picker's "Credential" included), and the
	 * fields that carry an error marker (n8n's parameter issue, a JSON editor's lint error).
	 * A full-height screenshot of the form is kept as an artifact.
	 */
	async function readForm(nodeName: string) {
		await page.goto(`${n8n.url}/workflow/${NODE_FORMS_WORKFLOW.id}`);
		await page.locator(`[data-test-id=canvas-node][data-node-name="${nodeName}"]`).dblclick();
		const params = page.locator('[data-test-id=node-parameters] .parameter-input-list-wrapper').first();
		await params.waitFor();
		await page.waitForLoadState('networkidle');
		// JSON editors lint after a short delay; give them time to mark what they would mark.
		await page.waitForTimeout(1500);
		const form = await params.evaluate((list) => ({
			labels: [...list.querySelectorAll(':is([data-test-id=input-label], [data-test-id=credentials-label]) label [class*="_title_"]')].map((e) => (e.textContent ?? '').trim()),
			marked: [...list.querySelectorAll('[data-test-id=parameter-issues], .has-issues, .cm-lint-marker-error, .cm-lintRange-error')].map(
				(e) => e.closest('[data-test-id=parameter-item]')?.querySelector('label [class*="_title_"]')?.textContent?.trim() ?? e.className,
			),
			height: list.scrollHeight,
		}));
		// The whole form, not just what fits the window: a tall viewport for the shot.
		await page.setViewportSize({ width: 1600, height: Math.min(Math.max(900, form.height + 250), 6000) });
		await page.waitForTimeout(300);
		await page.screenshot({ path: join(SHOTS, `form-${nodeName.toLowerCase().replace(/\W+/g, '-')}.png`) });
		await page.setViewportSize({ width: 1600, height: 900 });
		return form;
	}

	/** `expected` appear in `labels` in this order (other labels may stand between them). */
	function expectInOrder(labels: string[], expected: string[]) {
		let from = 0;
		for (const label of expected) {
			const at = labels.indexOf(label, from);
			expect(at, `"${label}" after "${labels[from - 1] ?? '(start)'}" in ${JSON.stringify(labels)}`).toBeGreaterThanOrEqual(0);
			from = at + 1;
		}
	}

	const CUSTOM_ROLE_FIELDS = ['System Prompt (Custom Role)', 'Output JSON Schema (Custom Role)'];

	// Each form: a page load and a full-height screenshot; slow on a loaded 2-core machine.
	describe('each node form reads in the order a user decides', { timeout: 240_000 }, () => {
		it('Specialist Agent (team of presets): credential first, each member role first, no custom fields', async () => {
			const { labels, marked } = await readForm('Specialist Agent');
			expect(labels[0]).toBe('Credential');
			expectInOrder(labels, ['Credential', 'Mode', 'Specialists', 'Role', 'Input', 'Name', 'Model Tier', 'Effort', 'Model Tier', 'Effort', 'Context', 'Run Mode', 'Budget Store', 'Options']);
			// Five preset members, each starting with its role.
			expect(labels.filter((l) => l === 'Role')).toHaveLength(5);
			for (const field of CUSTOM_ROLE_FIELDS) expect(labels).not.toContain(field);
			expect(marked).toEqual([]);
		});

		it('Specialist Agent (team with a custom member): its prompt and schema right under its role, a valid schema editor', async () => {
			const { labels, marked } = await readForm('Specialist Custom Member');
			expectInOrder(labels, ['Credential', 'Mode', 'Specialists', 'Role', ...CUSTOM_ROLE_FIELDS, 'Input', 'Name', 'Model Tier', 'Effort', 'Role', 'Input']);
			// Only the custom member shows the custom fields; the preset member after it does not.
			for (const field of CUSTOM_ROLE_FIELDS) expect(labels.filter((l) => l === field)).toHaveLength(1);
			expect(marked).toEqual([]);
		});

		it('Specialist Agent (single): role before the fields that depend on it; custom fields only for Custom', async () => {
			const preset = await readForm('Specialist Single Preset');
			expectInOrder(preset.labels, ['Credential', 'Mode', 'Role', 'Input', 'Model Tier', 'Effort', 'Context', 'Budget Store', 'Options']);
			for (const field of CUSTOM_ROLE_FIELDS) expect(preset.labels).not.toContain(field);
			expect(preset.marked).toEqual([]);
			const custom = await readForm('Specialist Single Custom');
			expectInOrder(custom.labels, ['Credential', 'Mode', 'Role', ...CUSTOM_ROLE_FIELDS, 'Input', 'Model Tier']);
			expect(custom.marked).toEqual([]);
		});

		it('Coordinator: credential first; the custom prompt and schema only in Custom mode', async () => {
			const preset = await readForm('Coordinator');
			expect(preset.labels[0]).toBe('Credential');
			expectInOrder(preset.labels, ['Credential', 'Mode', 'Quorum', 'Model Tier', 'Effort', 'Context', 'Run Mode', 'Budget Store', 'Budgets', 'Window', 'Max USD', 'Max Tokens', 'Alert Above (USD)', 'Scope Key', 'When Budget Is Low', 'Options']);
			expect(preset.labels.filter((l) => /Custom Mode/.test(l))).toEqual([]);
			// Run Mode "Now" (the default): the batch settings stay out of the way.
			expect(preset.labels.filter((l) => l.startsWith('Batch '))).toEqual([]);
			expect(preset.marked).toEqual([]);
			const custom = await readForm('Coordinator Custom');
			expectInOrder(custom.labels, ['Credential', 'Mode', 'System Prompt (Custom Mode)', 'Output JSON Schema (Custom Mode)', 'Quorum']);
			// This one runs as a Message Batch: its wait settings follow Run Mode.
			expectInOrder(custom.labels, ['Run Mode', 'Batch Max Wait (Minutes)', 'Batch Poll Interval (Seconds)', 'Budget Store']);
			expect(custom.marked).toEqual([]);
		});

		it('Token Budget: operation, store, then each budget in the order it is set', async () => {
			const { labels, marked } = await readForm('Token Budget');
			expectInOrder(labels, ['Operation', 'Budget Store', 'Budgets', 'Window', 'Max USD', 'Max Tokens', 'Alert Above (USD)', 'Scope Key', 'Estimated Cost (USD)']);
			expect(marked).toEqual([]);
		});

		it('Token Budget on Redis: the Redis credential right under the store that asks for it', async () => {
			const { labels, marked } = await readForm('Token Budget on Redis');
			const credential = labels.findIndex((l) => l.startsWith('Credential'));
			expect(labels[credential]).toBe('Credential for Agent Swarm Redis');
			expectInOrder(labels, ['Operation', 'Budget Store', labels[credential], 'Budgets']);
			expect(credential).toBe(labels.indexOf('Budget Store') + 1);
			// No Redis credential is chosen for this node: only the picker may be marked.
			expect(marked.filter((m) => !m.startsWith('Credential'))).toEqual([]);
		});

		it('Agent Metrics: operation, then the store', async () => {
			const { labels, marked } = await readForm('Agent Metrics');
			expect(labels).toEqual(['Operation', 'Metrics Store']);
			expect(marked).toEqual([]);
		});

		it('Evidence Fetch: operation, its sources, the allow-list', async () => {
			const { labels, marked } = await readForm('Evidence Fetch');
			expectInOrder(labels, ['Operation', 'Sources', 'Allowed Hosts', 'Options']);
			expect(marked).toEqual([]);
		});

		it('Alert Intake: operation, what it accepts, then where its state lives', async () => {
			const { labels, marked } = await readForm('Alert Intake');
			expectInOrder(labels, ['Operation', 'Accepted Formats', 'Default Service', 'Once per Incident', 'Incident State Store', 'Verify Signatures', 'Options']);
			expect(marked).toEqual([]);
		});

		it('PR Review: operation first, the state store last', async () => {
			const { labels, marked } = await readForm('PR Review');
			expect(labels[0]).toBe('Operation');
			expect(labels.at(-1)).toBe('State Store');
			expect(marked).toEqual([]);
		});

		it('labels are written as people write them ("n8n", not "N8n")', async () => {
			await page.goto(`${n8n.url}/workflow/${NODE_FORMS_WORKFLOW.id}`);
			await page.locator('[data-test-id=canvas-node][data-node-name="Agent Metrics"]').dblclick();
			await page.locator('[data-test-id=parameter-input-store]').click();
			const options = page.locator('.el-select-dropdown__item:visible, [role=option]:visible');
			await options.first().waitFor();
			const texts = await options.allTextContents();
			expect(texts.some((t) => t.includes('This n8n Process'))).toBe(true);
			expect(texts.join(' ')).not.toMatch(/N8n/);
			await page.screenshot({ path: join(SHOTS, 'form-agent-metrics-store-options.png') });
		});
	});
});
