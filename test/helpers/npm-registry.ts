/**
 * The npm registry the way n8n's Community Nodes installer reaches it, without the internet.
 *
 * n8n 1.x and 2.x install community packages with `npm pack <name>@<version>
 * --registry=https://registry.npmjs.org` and check the version with an HTTP GET to the same
 * URL; another registry (N8N_COMMUNITY_PACKAGES_REGISTRY) is a licensed feature, refused
 * without a licence (community-packages.service: getNpmRegistry). So the test leaves n8n's
 * registry alone and does what a self-hoster behind a proxy does: n8n gets HTTPS_PROXY and a
 * CA it trusts (NODE_EXTRA_CA_CERTS). Behind the proxy, a real registry (Verdaccio, installed by
 * scripts/toolchain.sh, no uplinks)
 * answers for registry.npmjs.org over TLS with a certificate from a CA made for the test. The
 * proxy refuses every other host, so nothing leaves the machine and anything n8n or npm would
 * fetch from elsewhere (a second n8n-workflow, api.n8n.io) is refused and recorded.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
	createServer as createHttpServer,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const REGISTRY_HOST = 'registry.npmjs.org';

/** A test CA and a certificate it signs for registry.npmjs.org and 127.0.0.1 (openssl CLI). */
function makeCertificates(dir: string): { ca: string; key: string; cert: string } {
	const file = (name: string) => join(dir, name);
	const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
	openssl(
		'req',
		'-x509',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-days',
		'2',
		'-subj',
		'/CN=agent-swarm test CA',
		'-addext',
		'basicConstraints=critical,CA:TRUE',
		'-addext',
		'keyUsage=critical,keyCertSign',
		'-keyout',
		file('ca.key'),
		'-out',
		file('ca.pem'),
	);
	openssl(
		'req',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-subj',
		`/CN=${REGISTRY_HOST}`,
		'-keyout',
		file('server.key'),
		'-out',
		file('server.csr'),
	);
	writeFileSync(
		file('server.ext'),
		`subjectAltName=DNS:${REGISTRY_HOST},IP:127.0.0.1\nextendedKeyUsage=serverAuth\n`,
	);
	openssl(
		'x509',
		'-req',
		'-in',
		file('server.csr'),
		'-CA',
		file('ca.pem'),
		'-CAkey',
		file('ca.key'),
		'-CAcreateserial',
		'-days',
		'2',
		'-extfile',
		file('server.ext'),
		'-out',
		file('server.pem'),
	);
	return { ca: file('ca.pem'), key: file('server.key'), cert: file('server.pem') };
}

async function listen(server: Server): Promise<number> {
	await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
	return (server.address() as AddressInfo).port;
}

export class LoopbackRegistry {
	/** Hosts the proxy refused (anything but the registry), in order. */
	readonly refused: string[] = [];
	/** Requests that reached the registry through the proxy as plain HTTP (method + path). */
	readonly forwarded: string[] = [];
	caFile = '';
	private registryPort = 0;
	private proxyPort = 0;
	private registry?: Server;
	private proxy?: Server;
	private readonly sockets = new Set<Socket>();
	private readonly dir: string;

	constructor(dir: string) {
		this.dir = dir;
	}

	/** The proxy, as HTTPS_PROXY / HTTP_PROXY take it. */
	get proxyUrl(): string {
		return `http://127.0.0.1:${this.proxyPort}`;
	}

	/**
	 * Variables that send a process's registry traffic (npm's and n8n's own) through the proxy
	 * and make it trust the test CA; loopback stays direct.
	 */
	get clientEnv(): Record<string, string> {
		return {
			HTTPS_PROXY: this.proxyUrl,
			HTTP_PROXY: this.proxyUrl,
			https_proxy: this.proxyUrl,
			http_proxy: this.proxyUrl,
			NO_PROXY: '127.0.0.1,localhost',
			no_proxy: '127.0.0.1,localhost',
			NODE_EXTRA_CA_CERTS: this.caFile,
		};
	}

	async start(): Promise<void> {
		mkdirSync(this.dir, { recursive: true });
		const tls = makeCertificates(this.dir);
		this.caFile = tls.ca;
		const verdaccio =
			process.env.AGENT_SWARM_VERDACCIO ??
			join(homedir(), '.cache/n8n-nodes-agent-swarm/verdaccio-6.10.4/node_modules/verdaccio');
		const { runServer } = (await import(join(verdaccio, 'build/index.js'))) as {
			runServer: (config: unknown, options: { listenArg: string }) => Promise<Server>;
		};
		this.registry = await runServer(
			{
				self_path: this.dir,
				storage: join(this.dir, 'storage'),
				auth: { htpasswd: { file: join(this.dir, 'htpasswd'), max_users: 10 } },
				uplinks: {},
				packages: { '**': { access: '$all', publish: '$authenticated' } },
				https: { key: tls.key, cert: tls.cert },
				log: { type: 'stdout', format: 'json', level: 'error' },
				security: { api: { legacy: true } },
			},
			{ listenArg: 'https://127.0.0.1:0' },
		);
		this.registryPort = await listen(this.registry);
		this.proxy = createHttpServer((req, res) => this.forward(req, res));
		this.proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) =>
			this.tunnel(req, client, head),
		);
		this.proxyPort = await listen(this.proxy);
	}

	/** CONNECT host:443 (npm): a tunnel to the registry for registry.npmjs.org, 502 otherwise. */
	private tunnel(req: IncomingMessage, client: Socket, head: Buffer): void {
		this.sockets.add(client);
		client.on('close', () => this.sockets.delete(client));
		client.on('error', () => client.destroy());
		const host = (req.url ?? '').split(':')[0];
		if (host !== REGISTRY_HOST) {
			this.refused.push(host);
			client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
			return;
		}
		const upstream = connect(this.registryPort, '127.0.0.1', () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			upstream.write(head);
			upstream.pipe(client);
			client.pipe(upstream);
		});
		this.sockets.add(upstream);
		upstream.on('close', () => this.sockets.delete(upstream));
		upstream.on('error', () => client.destroy());
	}

	/** An absolute-form request (axios through an HTTP proxy): forwarded for the registry only. */
	private forward(req: IncomingMessage, res: ServerResponse): void {
		const target = new URL(req.url ?? '/', 'http://invalid');
		if (target.hostname !== REGISTRY_HOST) {
			this.refused.push(target.hostname);
			res.writeHead(502).end();
			return;
		}
		this.forwarded.push(`${req.method} ${target.pathname}`);
		const upstream = httpsRequest(
			{
				host: '127.0.0.1',
				port: this.registryPort,
				servername: REGISTRY_HOST,
				ca: readFileSync(this.caFile),
				method: req.method,
				path: target.pathname + target.search,
				headers: { ...req.headers, host: REGISTRY_HOST },
			},
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', () => res.writeHead(502).end());
		req.pipe(upstream);
	}

	/** Publishes a packed tarball as its author would: a registry account, then `npm publish`. */
	async publish(tarball: string): Promise<void> {
		const direct = `https://127.0.0.1:${this.registryPort}/`;
		const user = 'agent-swarm-publisher';
		const answer = await new Promise<{ token: string }>((res, rej) => {
			const body = JSON.stringify({ name: user, password: 'publisher-Passw0rd' });
			const req = httpsRequest(
				`${direct}-/user/org.couchdb.user:${user}`,
				{
					method: 'PUT',
					ca: readFileSync(this.caFile),
					headers: {
						'content-type': 'application/json',
						'content-length': Buffer.byteLength(body),
					},
				},
				(r) => {
					let text = '';
					r.on('data', (c) => (text += c));
					r.on('end', () =>
						r.statusCode === 201
							? res(JSON.parse(text))
							: rej(new Error(`registry account: ${r.statusCode} ${text}`)),
					);
				},
			);
			req.on('error', rej);
			req.end(body);
		});
		const npmrc = join(this.dir, 'publisher.npmrc');
		writeFileSync(
			npmrc,
			`registry=${direct}\n//127.0.0.1:${this.registryPort}/:_authToken=${answer.token}\n`,
		);
		// Asynchronous: the registry answers from this same process.
		await promisify(execFile)(
			'npm',
			['publish', tarball, '--userconfig', npmrc, '--registry', direct, '--access', 'public'],
			{
				env: { ...process.env, NODE_EXTRA_CA_CERTS: this.caFile, npm_config_cafile: this.caFile },
			},
		);
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await Promise.all([this.proxy, this.registry].map((s) => s && new Promise((r) => s.close(r))));
		rmSync(this.dir, { recursive: true, force: true });
	}
}
