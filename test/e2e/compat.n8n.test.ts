/**
 * The package on the n8n versions self-hosters run: n8n 1.x on Node 22 and the pinned 2.x on
 * Node 24, installed by both documented paths, from a registry (Verdaccio on loopback, reached
 * as registry.npmjs.org through a proxy: see test/helpers/npm-registry.ts):
 * - n8n's Community Nodes installer, through the REST call its settings page makes;
 * - `npm install <tarball>` in ~/.n8n/nodes, then a restart.
 * Neither may bring a second n8n-workflow. Then the team example answers with five items and
 * a budgeted specialist reserves and settles in the embedded (node:sqlite) ledger. The package
 * also loads on Node 20 without touching node:sqlite.
 *
 * Versions: the toolchain's (scripts/toolchain.sh). AGENT_SWARM_COMPAT_N8N2_BIN points the 2.x
 * part at another n8n 2.x binary (a newer release) for a one-off check.
 */
import { execFile, spawnSync } from 'node:child_process';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	realpathSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	n8nBinary,
	N8nInstance,
	n8nVersion,
	packPackage,
	ROOT,
	withoutTestRunnerVariables,
	type N8nRuntime,
} from '../../scripts/lib/n8n-instance.ts';
import { readWorkflow } from '../../scripts/lib/workflows.ts';
import { ClaudeSimulator } from '../../simulator/server.ts';
import { sampleIncident } from '../helpers/incident.ts';
import { LoopbackRegistry } from '../helpers/npm-registry.ts';
import { TEST_KEY } from '../helpers/simulator.ts';

const PACKAGE = 'n8n-nodes-agent-swarm';
const { n8n: LISTS } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	n8n: { nodes: string[] };
};
const CACHE = process.env.AGENT_SWARM_CACHE ?? join(homedir(), '.cache/n8n-nodes-agent-swarm');
const cached = (variable: string, path: string) => process.env[variable] ?? join(CACHE, path);

const TARGETS: Array<{ label: string; runtime: N8nRuntime }> = [
	{
		label: 'n8n 1.x on Node 22',
		runtime: {
			n8nBin: cached('AGENT_SWARM_N8N1_BIN', 'n8n-1.123.81/node_modules/.bin/n8n'),
			nodeBinDir: dirname(
				cached('AGENT_SWARM_NODE22_BIN', 'node-22.23.3/node_modules/node/bin/node'),
			),
		},
	},
	{
		label: 'n8n 2.x on Node 24',
		runtime: {
			n8nBin: process.env.AGENT_SWARM_COMPAT_N8N2_BIN ?? n8nBinary(),
			nodeBinDir: dirname(process.execPath),
		},
	},
	{
		label: 'n8n 2.x (newest that installs) on Node 24',
		runtime: {
			n8nBin: cached('AGENT_SWARM_N8N2_NEWEST_BIN', 'n8n-2.41.1/node_modules/.bin/n8n'),
			nodeBinDir: dirname(process.execPath),
		},
	},
];
const NODE20 = cached('AGENT_SWARM_NODE20_BIN', 'node-20.19.0/node_modules/node/bin/node');

const run = promisify(execFile);
/** Tests that start n8n (a first start runs its database migrations). */
const N8N_TIMEOUT = 600_000;
/** n8n's start, which a loaded machine (shared CI cores) stretches well past its usual 10-50 s. */
const START_TIMEOUT = 240_000;
const LATENCY = 300;
const CREDENTIAL = { id: 'agentSwarmAnthropic', name: 'Agent Swarm Anthropic' };

/** n8n's own node_modules, where its n8n-workflow lives. */
function n8nModules(runtime: N8nRuntime): string {
	return join(dirname(realpathSync(runtime.n8nBin)), '..', '..');
}

/** Loads the installed package in a fresh process on `node`, as n8n's loader does (load-package.cjs). */
function loadInstalled(node: string, folder: string, runtime: N8nRuntime) {
	const out = spawnSync(node, [join(ROOT, 'test/helpers/load-package.cjs'), folder], {
		env: { PATH: process.env.PATH, NODE_PATH: n8nModules(runtime) },
		encoding: 'utf8',
	});
	if (out.status !== 0) throw new Error(`loading on ${node} failed:\n${out.stderr}`);
	return JSON.parse(out.stdout) as {
		node: string;
		types: string[];
		ms: number;
		sqliteRequested: string[];
	};
}

/** Entries of ~/.n8n/nodes/node_modules (npm's own dot files aside). */
function installedModules(userFolder: string): string[] {
	return readdirSync(join(userFolder, '.n8n/nodes/node_modules'))
		.filter((name) => !name.startsWith('.'))
		.sort();
}

/** Webhook → Specialist Agent with an embedded daily budget → Token Budget report. */
function budgetWorkflow() {
	const budgets = { budget: [{ window: 'day', maxUsd: 5, scope: 'compat' }] };
	return {
		id: 'compatBudget0001',
		name: 'Compat: embedded ledger',
		active: false,
		settings: { executionOrder: 'v1' },
		connections: {
			Webhook: { main: [[{ node: 'Specialist', type: 'main', index: 0 }]] },
			Specialist: { main: [[{ node: 'Budget Report', type: 'main', index: 0 }]] },
		},
		nodes: [
			{
				id: 'w',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: 'compat-budget',
				parameters: {
					httpMethod: 'POST',
					path: 'compat-budget',
					responseMode: 'lastNode',
					responseData: 'allEntries',
					options: {},
				},
			},
			{
				id: 's',
				name: 'Specialist',
				type: `${PACKAGE}.specialistAgent`,
				typeVersion: 1,
				position: [200, 0],
				credentials: { agentSwarmAnthropicApi: CREDENTIAL },
				parameters: {
					mode: 'single',
					role: 'incident.metrics',
					input: '={{ $json.body.metrics }}',
					budgetStore: 'embedded',
					budgets,
				},
			},
			{
				id: 'b',
				name: 'Budget Report',
				type: `${PACKAGE}.tokenBudget`,
				typeVersion: 1,
				position: [400, 0],
				parameters: { operation: 'report', budgetStore: 'embedded', budgets },
			},
		],
	};
}

async function post(n8n: N8nInstance, path: string, body: unknown) {
	const res = await fetch(`${n8n.url}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	expect(res.status, await res.clone().text()).toBe(200);
	return (await res.json()) as Array<Record<string, any>>;
}

const registry = new LoopbackRegistry(mkdtempSync(join(tmpdir(), 'agent-swarm-registry-')));
const sim = new ClaudeSimulator({ defaultLatencyMs: LATENCY, requiredApiKey: TEST_KEY });
let tarball = '';

beforeAll(async () => {
	tarball = packPackage();
	await registry.start();
	await registry.publish(tarball);
	await sim.start();
});

afterAll(async () => {
	await sim.stop();
	await registry.stop();
});

for (const { label, runtime } of TARGETS) {
	describe(`${label}: installs by both paths and runs`, () => {
		const version = n8nVersion(runtime);
		const node = join(runtime.nodeBinDir, 'node');
		// Each path starts from an empty n8n user folder; the registry's variables (known once it
		// has started) go to n8n and npm.
		let viaInstaller: N8nInstance;
		let viaNpm: N8nInstance;
		let nodeTypes: string[] = [];

		beforeAll(() => {
			viaInstaller = new N8nInstance(registry.clientEnv, undefined, runtime);
			viaNpm = new N8nInstance(registry.clientEnv, undefined, runtime);
		});

		afterAll(async () => {
			for (const n8n of [viaInstaller, viaNpm]) {
				await n8n.stop();
				n8n.remove();
			}
		});

		it(`n8n ${version}: "npm install <tarball>" in ~/.n8n/nodes adds the package and nothing else`, async () => {
			const nodes = join(viaNpm.userFolder, '.n8n/nodes');
			mkdirSync(nodes, { recursive: true });
			const started = Date.now();
			await run('npm', ['install', tarball, '--no-audit', '--no-fund'], {
				cwd: nodes,
				env: {
					...withoutTestRunnerVariables(process.env),
					...registry.clientEnv,
					PATH: `${runtime.nodeBinDir}:${process.env.PATH}`,
				},
			});
			console.log(
				`[figure] n8n ${version}: npm install <tarball> in ~/.n8n/nodes: ${Date.now() - started} ms`,
			);
			expect(installedModules(viaNpm.userFolder)).toEqual([PACKAGE]);
			expect(existsSync(join(nodes, 'node_modules', PACKAGE, 'node_modules'))).toBe(false);

			const loaded = loadInstalled(node, join(nodes, 'node_modules', PACKAGE), runtime);
			console.log(
				`[figure] n8n ${version}: loading every node and credential file on Node ${loaded.node}: ${loaded.ms} ms`,
			);
			expect(loaded.sqliteRequested).toEqual([]);
			expect(loaded.types).toEqual(
				expect.arrayContaining([
					'specialistAgent',
					'coordinator',
					'tokenBudget',
					'agentMetrics',
					'agentSwarmAnthropicApi',
				]),
			);
			nodeTypes = loaded.types.slice(0, LISTS.nodes.length).map((t) => `${PACKAGE}.${t}`);
		});

		it(
			`n8n ${version}: after a restart the team example answers with five items and the embedded ledger reserves and settles`,
			async () => {
				viaNpm.importCredentials([
					{
						...CREDENTIAL,
						type: 'agentSwarmAnthropicApi',
						data: { apiKey: TEST_KEY, baseUrl: sim.url },
					},
				]);
				viaNpm.importWorkflows([readWorkflow('examples/specialist-team.json'), budgetWorkflow()]);
				const booting = Date.now();
				await viaNpm.start(START_TIMEOUT);
				await viaNpm.waitForWebhook('specialist-team', START_TIMEOUT);
				console.log(
					`[figure] n8n ${version}: start to webhooks registered, package installed: ${Date.now() - booting} ms`,
				);
				expect(viaNpm.log).not.toMatch(/Unrecognized node type/);

				sim.reset();
				const started = Date.now();
				const items = await post(viaNpm, 'specialist-team', sampleIncident('INC-COMPAT'));
				console.log(
					`[figure] n8n ${version}: team example (5 specialists, ${LATENCY} ms per call): ${Date.now() - started} ms`,
				);
				expect(items.map((i) => i.agent)).toEqual([
					'logs',
					'metrics',
					'code_changes',
					'infrastructure',
					'cost_impact',
				]);
				for (const item of items)
					expect(item).toMatchObject({
						status: 'success',
						findings: { summary: expect.any(String) },
					});

				const report = await post(viaNpm, 'compat-budget', sampleIncident('INC-COMPAT-BUDGET'));
				const spent = sim.messageRequests().length;
				expect(spent).toBe(6);
				const line = (report[0].budgets as Array<Record<string, unknown>>).find(
					(b) => b.scope === 'compat',
				);
				expect(line).toMatchObject({ window: 'day', reservedUsd: 0 });
				expect(line!.usedUsd as number).toBeGreaterThan(0);
				expect(existsSync(join(viaNpm.userFolder, '.n8n/agent-swarm'))).toBe(true);
			await viaNpm.stop();
			},
			N8N_TIMEOUT,
		);

		it(
			`n8n ${version}: the Community Nodes installer (REST, as the settings page calls it) installs from the registry without a second n8n-workflow`,
			async () => {
				await viaInstaller.start(START_TIMEOUT);
				const rest = await viaInstaller.login();
				const started = Date.now();
				const res = await rest('/community-packages', {
					method: 'POST',
					body: JSON.stringify({ name: PACKAGE, verify: false }),
				});
				const text = await res.text();
				console.log(
					`[figure] n8n ${version}: Community Nodes install through the REST API: ${Date.now() - started} ms`,
				);
				expect(res.status, text).toBe(200);
				const installed = (
					JSON.parse(text) as {
						data: { packageName: string; installedNodes: Array<{ type: string }> };
					}
				).data;
				expect(installed.packageName).toBe(PACKAGE);
				expect(installed.installedNodes.map((n) => n.type).sort()).toEqual([...nodeTypes].sort());

				expect(installedModules(viaInstaller.userFolder)).toEqual([PACKAGE]);
				const types = (await (await rest('/../types/nodes.json')).json()) as Array<{
					name: string;
				}>;
				expect(types.map((t) => t.name)).toEqual(expect.arrayContaining(nodeTypes));
				// Only the registry was asked for anything (n8n's api.n8n.io status check is refused, as offline).
				expect(registry.refused.filter((host) => host !== 'api.n8n.io')).toEqual([]);
			},
			N8N_TIMEOUT,
		);
	});
}

describe('Node 20 (n8n 1.x allows it): the package loads without node:sqlite', () => {
	it('every node and credential file loads, and nothing asks for node:sqlite', () => {
		const runtime = TARGETS[0].runtime;
		const folder = mkdtempSync(join(tmpdir(), 'agent-swarm-node20-'));
		try {
			spawnSync('tar', ['xzf', tarball, '-C', folder]);
			const loaded = loadInstalled(NODE20, join(folder, 'package'), runtime);
			console.log(
				`[figure] loading every node and credential file on Node ${loaded.node}: ${loaded.ms} ms`,
			);
			expect(loaded.node).toMatch(/^v20\./);
			expect(loaded.sqliteRequested).toEqual([]);
			expect(loaded.types).toEqual(
				expect.arrayContaining(['specialistAgent', 'coordinator', 'tokenBudget', 'agentMetrics']),
			);
		} finally {
			spawnSync('rm', ['-rf', folder]);
		}
	});
});
