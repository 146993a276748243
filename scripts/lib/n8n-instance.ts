/**
 * A real n8n (the pinned version the toolchain installs) in a throw-away user folder, with
 * this package installed the way "Install community package" does it: unpacked into
 * <user folder>/.n8n/nodes/node_modules/n8n-nodes-agent-swarm. Used by the end-to-end tests,
 * the benchmark and the demo.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const N8N_VERSION = '2.40.7';

export function n8nBinary(): string {
	const cache = process.env.AGENT_SWARM_CACHE ?? join(homedir(), '.cache/n8n-nodes-agent-swarm');
	return process.env.AGENT_SWARM_N8N_BIN ?? join(cache, `n8n-${N8N_VERSION}`, 'node_modules/.bin/n8n');
}

/** Which n8n runs on which Node. The default: the pinned 2.x on the Node that runs us. */
export interface N8nRuntime {
	n8nBin: string;
	/** Folder of the `node` binary put first on n8n's PATH. */
	nodeBinDir: string;
}

export function defaultRuntime(): N8nRuntime {
	return { n8nBin: n8nBinary(), nodeBinDir: dirname(process.execPath) };
}

/** n8n's version, read from the package the binary belongs to. */
export function n8nVersion(runtime: N8nRuntime): string {
	const pkg = join(dirname(realpathSync(runtime.n8nBin)), '..', 'package.json');
	return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

export async function freePort(): Promise<number> {
	return new Promise((res, rej) => {
		const server = createServer();
		server.once('error', rej);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => res(port));
		});
	});
}

/**
 * Builds dist/ and packs the package as npm would publish it; returns the tarball path. Without
 * `outDir` the tarball goes to a temporary folder removed when this process exits.
 */
export function packPackage(outDir?: string): string {
	if (!outDir) {
		const temporary = mkdtempSync(join(tmpdir(), 'agent-swarm-pack-'));
		process.once('exit', () => rmSync(temporary, { recursive: true, force: true }));
		outDir = temporary;
	}
	execFileSync('npx', ['gulp', 'build'], { cwd: ROOT, stdio: 'ignore' });
	const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
	return join(outDir, name);
}

/** n8n processes still running; killed if this process exits without stopping them (a crash). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of running) child.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
	running.add(child);
	child.once('exit', () => running.delete(child));
	return child;
}

async function stopChild(child?: ChildProcess): Promise<void> {
	if (!child || child.exitCode !== null) return;
	const exited = new Promise((r) => child.once('exit', r));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
	await exited;
	clearTimeout(timer);
}

export interface Credential {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/**
 * A test runner's variables (NODE_ENV=test, VITEST, NODE_OPTIONS) change how n8n boots; npm's
 * (npm_config_local_prefix and the like, set under `npm test`) would steer the npm that n8n's
 * community-package installer runs into this repository.
 */
export function withoutTestRunnerVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	return Object.fromEntries(
		Object.entries(env).filter(([key]) => !/^(VITEST|NODE_ENV$|TEST$|NODE_OPTIONS$|N8N_|npm_)/.test(key)),
	);
}

/** An owner account created from the environment (n8n >= 2.17), for REST calls in tests. */
export const TEST_OWNER = {
	email: 'owner@agent-swarm.test',
	password: 'Bench-Test-Passw0rd',
	// bcrypt of the password above (cost 10), as N8N_INSTANCE_OWNER_PASSWORD_HASH expects.
	passwordHash: '$2a$10$F3Q4BVncZRIL5xg/UKq85ebkj1CiWjd4IheJ6HTwzBqshzVtzqdVy',
};

export class N8nInstance {
	readonly userFolder: string;
	port = 0;
	log = '';
	private process?: ChildProcess;
	/** Queue-mode workers started with startWorker(), stopped with the main process. */
	private readonly workers: ChildProcess[] = [];
	readonly workerLogs: string[] = [];
	private readonly env: NodeJS.ProcessEnv;
	readonly runtime: N8nRuntime;
	/** n8n's major version: 1.x lacks publish:workflow and the owner-from-environment set-up. */
	readonly major: number;

	constructor(extraEnv: NodeJS.ProcessEnv = {}, userFolder = mkdtempSync(join(tmpdir(), 'agent-swarm-n8n-')), runtime = defaultRuntime()) {
		this.userFolder = userFolder;
		this.runtime = runtime;
		this.major = Number(n8nVersion(runtime).split('.')[0]);
		this.env = {
			...withoutTestRunnerVariables(process.env),
			// n8n 2.x needs Node 24 (by default the Node that runs us, the toolchain's); 1.x runs on 22.
			PATH: `${runtime.nodeBinDir}:${process.env.PATH}`,
			N8N_USER_FOLDER: userFolder,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_ENCRYPTION_KEY: 'agent-swarm-test-encryption-key',
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: TEST_OWNER.email,
			N8N_INSTANCE_OWNER_FIRST_NAME: 'Test',
			N8N_INSTANCE_OWNER_LAST_NAME: 'Owner',
			N8N_INSTANCE_OWNER_PASSWORD_HASH: TEST_OWNER.passwordHash,
			...extraEnv,
		};
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** Unpacks the tarball into the community-nodes folder, as n8n's installer would. */
	installPackage(tarball: string): void {
		const nodes = join(this.userFolder, '.n8n/nodes');
		const target = join(nodes, 'node_modules/n8n-nodes-agent-swarm');
		rmSync(target, { recursive: true, force: true });
		mkdirSync(join(nodes, 'node_modules'), { recursive: true });
		const staging = mkdtempSync(join(nodes, 'unpack-'));
		execFileSync('tar', ['xzf', tarball, '-C', staging]);
		renameSync(join(staging, 'package'), target);
		rmSync(staging, { recursive: true, force: true });
		writeFileSync(join(nodes, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { 'n8n-nodes-agent-swarm': '*' } }));
	}

	cli(...args: string[]): string {
		return execFileSync(this.runtime.n8nBin, args, { env: this.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
	}

	importCredentials(credentials: Credential[]): void {
		const file = join(this.userFolder, 'credentials.json');
		writeFileSync(file, JSON.stringify(credentials));
		this.cli('import:credentials', `--input=${file}`);
		rmSync(file);
	}

	/** Imports workflow files (each must carry an `id`) and publishes them. */
	importWorkflows(workflows: Array<{ id: string } & Record<string, unknown>>): void {
		const dir = mkdtempSync(join(this.userFolder, 'workflows-'));
		workflows.forEach((wf, i) => writeFileSync(join(dir, `${i}.json`), JSON.stringify(wf)));
		this.cli('import:workflow', '--separate', `--input=${dir}`);
		for (const wf of workflows) {
			if (this.major >= 2) this.cli('publish:workflow', `--id=${wf.id}`);
			else this.cli('update:workflow', `--id=${wf.id}`, '--active=true');
		}
		rmSync(dir, { recursive: true, force: true });
	}

	async start(timeoutMs = 120_000): Promise<void> {
		this.port = await freePort();
		const broker = await freePort();
		this.process = track(spawn(this.runtime.n8nBin, ['start'], {
			env: {
				...this.env,
				N8N_PORT: String(this.port),
				N8N_RUNNERS_BROKER_PORT: String(broker),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				// Webhook URLs that triggers register elsewhere (GitHub) point back here.
				WEBHOOK_URL: `http://127.0.0.1:${this.port}/`,
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		}));
		const collect = (chunk: Buffer) => (this.log += chunk.toString());
		this.process.stdout!.on('data', collect);
		this.process.stderr!.on('data', collect);
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (this.process.exitCode !== null) throw new Error(`n8n exited (${this.process.exitCode}):\n${this.log.slice(-3000)}`);
			try {
				if ((await fetch(`${this.url}/healthz/readiness`)).ok) return;
			} catch {
				// not listening yet
			}
			await new Promise((r) => setTimeout(r, 250));
		}
		throw new Error(`n8n was not ready within ${timeoutMs} ms:\n${this.log.slice(-3000)}`);
	}

	/**
	 * A queue-mode worker (`n8n worker`) sharing this instance's database, Redis and encryption
	 * key (pass EXECUTIONS_MODE=queue and the DB_* / QUEUE_BULL_* variables to the constructor).
	 */
	async startWorker(concurrency = 10, timeoutMs = 120_000): Promise<void> {
		const broker = await freePort();
		const index = this.workers.length;
		const worker = track(spawn(this.runtime.n8nBin, ['worker', `--concurrency=${concurrency}`], {
			env: { ...this.env, N8N_RUNNERS_BROKER_PORT: String(broker), N8N_LISTEN_ADDRESS: '127.0.0.1' },
			stdio: ['ignore', 'pipe', 'pipe'],
		}));
		this.workers.push(worker);
		this.workerLogs[index] = '';
		const collect = (chunk: Buffer) => (this.workerLogs[index] += chunk.toString());
		worker.stdout!.on('data', collect);
		worker.stderr!.on('data', collect);
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (worker.exitCode !== null) throw new Error(`n8n worker exited (${worker.exitCode}):\n${this.workerLogs[index].slice(-3000)}`);
			if (this.workerLogs[index].includes('n8n worker is now ready')) return;
			await new Promise((r) => setTimeout(r, 250));
		}
		throw new Error(`n8n worker was not ready within ${timeoutMs} ms:\n${this.workerLogs[index].slice(-3000)}`);
	}

	/**
	 * Published workflows are activated after n8n reports ready. Until a webhook is registered
	 * a preflight gets an error; then 204. Fires no execution.
	 */
	async waitForWebhook(path: string, timeoutMs = 60_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const res = await fetch(`${this.url}/webhook/${path}`, {
				method: 'OPTIONS',
				headers: { origin: 'http://127.0.0.1', 'access-control-request-method': 'POST' },
			});
			if (res.ok) return;
			await new Promise((r) => setTimeout(r, 100));
		}
		throw new Error(`webhook ${path} was not registered within ${timeoutMs} ms:\n${this.log.slice(-3000)}`);
	}

	/** Logs in as the owner; returns a fetch for n8n's REST API with the session cookie. */
	async login(): Promise<(path: string, init?: RequestInit) => Promise<Response>> {
		const headers = { 'content-type': 'application/json', 'browser-id': 'agent-swarm-tests' };
		if (this.major < 2) await this.setUpOwner(headers);
		const body = JSON.stringify({ emailOrLdapLoginId: TEST_OWNER.email, password: TEST_OWNER.password });
		const attempt = () => fetch(`${this.url}/rest/login`, { method: 'POST', headers, body }).catch(() => undefined);
		let res = await attempt();
		// n8n 1.x answers readiness before its REST routes are mounted (404), and on a loaded
		// machine its SQLite health check can time out for a while (503): wait for both.
		for (let tries = 0; (!res || res.status === 404 || res.status === 503) && tries < 240; tries++) {
			await new Promise((r) => setTimeout(r, 500));
			if (this.major < 2) await this.setUpOwner(headers);
			res = await attempt();
		}
		if (!res) throw new Error(`login failed: n8n at ${this.url} does not answer:\n${this.log.slice(-3000)}`);
		if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
		const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
		return (path, init = {}) => fetch(`${this.url}/rest${path}`, { ...init, headers: { ...headers, cookie, ...(init.headers ?? {}) } });
	}

	/** n8n 1.x: the owner is created through the set-up form's endpoint (once; later calls fail). */
	private async setUpOwner(headers: Record<string, string>): Promise<void> {
		await fetch(`${this.url}/rest/owner/setup`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ email: TEST_OWNER.email, firstName: 'Test', lastName: 'Owner', password: TEST_OWNER.password }),
		}).catch(() => undefined); // not listening yet: login retries
	}

	async stop(): Promise<void> {
		await Promise.all([this.process, ...this.workers].map((child) => stopChild(child)));
	}

	/** Files under the user folder that contain `needle` (installed packages excluded). */
	filesContaining(needle: string): string[] {
		const hits: string[] = [];
		const bytes = Buffer.from(needle);
		const walk = (dir: string) => {
			for (const entry of readdirSync(dir, { withFileTypes: true })) {
				const path = join(dir, entry.name);
				if (entry.isDirectory()) {
					if (entry.name !== 'node_modules') walk(path);
				} else if (entry.isFile() && readFileSync(path).includes(bytes)) hits.push(path);
			}
		};
		walk(this.userFolder);
		return hits;
	}

	remove(): void {
		rmSync(this.userFolder, { recursive: true, force: true });
	}
}
