/**
 * Seeded synthetic logs with a known answer, to test the digest on formats it has never seen.
 *
 * Messages come from our own templates (below), with variables of every kind: host, user and
 * process names without digits, paths, hex and UUID ids, letter-only ids, quoted text, key=value
 * pairs, e-mail addresses, URLs, sizes and durations; some records carry a stack trace. They are
 * written in header formats invented here (ISO with logger, syslog with varying host and program
 * names, pipes without spaces, epoch milliseconds with one-letter levels, bracketed common-log
 * time, a header of bare host and program names, JSON lines, logfmt, and a log without time).
 * Which templates a log uses, how often and in which order depends on the seed, so a digest tuned
 * to one sample fails another. Each record's truth is its template (and its exception, if any).
 */

export interface SyntheticRecord {
	lines: string[];
	truth: string;
	/** The time as its header writes it (to the precision written), or undefined. */
	time?: number;
	level: string;
}

export interface SyntheticLog {
	family: string;
	text: string;
	records: SyntheticRecord[];
	/** Year to assume for headers without one. */
	year: number;
	/** The header writes a level word the digest should report. */
	levelWords: boolean;
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Random = () => number;
const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
/** Zipf-like pick: early entries far more often, so some values are seen once. */
const zipf = <T>(r: Random, xs: readonly T[]): T => xs[Math.min(xs.length - 1, Math.floor(xs.length * r() ** 2.2))];
const int = (r: Random, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const letters = (r: Random, n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + int(r, 0, 25))).join('');
const hex = (r: Random, n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(r, 0, 15)]).join('');

const ADJECTIVES = ['amber', 'brisk', 'calm', 'dusty', 'eager', 'frosty', 'golden', 'hidden', 'icy', 'jolly', 'keen', 'lucky', 'misty', 'noble', 'olive', 'proud', 'quiet', 'rapid', 'silent', 'tidy'];
const NOUNS = ['falcon', 'harbor', 'meadow', 'canyon', 'river', 'summit', 'forest', 'island', 'glacier', 'valley', 'comet', 'lantern', 'orchard', 'prairie', 'quarry', 'reef', 'tundra', 'willow', 'beacon', 'delta'];
const DOMAINS = ['example.net', 'corp.internal', 'svc.cluster.local', 'acme.io', 'shop.example.org'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'oscar', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'yolanda', 'zelda', 'quentin', 'ursula', 'xavier'];
const PROCESSES = ['nginx', 'postgres', 'redis-server', 'java', 'python', 'sshd', 'cron', 'dockerd', 'kubelet', 'node', 'haproxy', 'memcached'];
const DIRS = ['var', 'srv', 'opt', 'data', 'home', 'tmp', 'etc', 'lib', 'cache', 'spool'];
const EXTENSIONS = ['log', 'json', 'yaml', 'csv', 'txt', 'db'];
const TIERS = ['gold', 'silver', 'bronze', 'platinum', 'free'];
const REGIONS = ['north', 'south', 'east', 'west', 'central', 'coastal', 'alpine', 'island'];
const GATEWAYS = ['stripe', 'adyen', 'braintree', 'paypal', 'klarna', 'square'];
const WORDS = ['quarterly', 'report', 'draft', 'final', 'budget', 'meeting', 'notes', 'plan', 'review', 'summary', 'invoice', 'photo', 'backup', 'export'];
const STATUSES = ['200', '201', '204', '400', '404', '500', '503'];

const VARIABLES: Record<string, (r: Random) => string> = {
	host: (r) => (r() < 0.5 ? `${pick(r, ADJECTIVES)}-${pick(r, NOUNS)}` : `${pick(r, NOUNS)}.${pick(r, DOMAINS)}`),
	user: (r) => zipf(r, USERS),
	proc: (r) => zipf(r, PROCESSES),
	path: (r) => `/${pick(r, DIRS)}/${pick(r, DIRS)}/${pick(r, NOUNS)}.${pick(r, EXTENSIONS)}`,
	hexid: (r) => hex(r, int(r, 8, 16)),
	uuid: (r) => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`,
	numid: (r) => String(int(r, 1000, 99999999)),
	letters: (r) => letters(r, int(r, 6, 12)),
	quoted: (r) => {
		const q = r() < 0.7 ? '"' : "'";
		return `${q}${Array.from({ length: int(r, 1, 4) }, () => pick(r, WORDS)).join(' ')}${q}`;
	},
	ip: (r) => `${int(r, 10, 223)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`,
	port: (r) => String(int(r, 1024, 65535)),
	duration: (r) => (r() < 0.5 ? `${int(r, 1, 5000)}ms` : `${int(r, 1, 90)}.${int(r, 0, 9)}s`),
	size: (r) => `${int(r, 1, 4096)} ${pick(r, ['B', 'KB', 'MB'])}`,
	pct: (r) => `${int(r, 1, 100)}%`,
	email: (r) => `${zipf(r, USERS)}@${pick(r, DOMAINS)}`,
	urlpath: (r) => `/api/v${int(r, 1, 3)}/${pick(r, NOUNS)}s/${int(r, 1, 99999)}`,
	status: (r) => pick(r, STATUSES),
	// Variables of few values, skewed as such values are in real logs.
	tier: (r) => zipf(r, TIERS),
	region: (r) => zipf(r, REGIONS),
	gateway: (r) => zipf(r, GATEWAYS),
	n: (r) => String(int(r, 0, 512)),
	clock: (r) => `${String(int(r, 0, 23)).padStart(2, '0')}:${String(int(r, 0, 59)).padStart(2, '0')}`,
};

interface Exception {
	id: string;
	java: (r: Random) => string[];
	python: (r: Random) => string[];
}

const frames = (r: Random, n: number) =>
	Array.from({ length: n }, () => `\tat com.acme.${pick(r, NOUNS)}.${capital(pick(r, NOUNS))}Service.${pick(r, ['run', 'call', 'apply', 'handle'])}(${capital(pick(r, NOUNS))}Service.java:${int(r, 10, 900)})`);
const pyFrames = (r: Random, n: number) =>
	Array.from({ length: n }, () => [`  File "/app/${pick(r, NOUNS)}/${pick(r, NOUNS)}.py", line ${int(r, 3, 400)}, in ${pick(r, ['run', 'handle', 'charge', 'load'])}`, `    ${pick(r, ['result = client.send(payload)', 'return int(value)', 'row = cursor.fetchone()'])}`]).flat();
function capital(word: string): string {
	return word[0].toUpperCase() + word.slice(1);
}

const EXCEPTIONS: Record<string, Exception> = {
	timeout: {
		id: 'timeout',
		java: (r) => [`java.net.SocketTimeoutException: Read timed out after ${int(r, 100, 9000)} ms`, ...frames(r, int(r, 2, 6))],
		python: (r) => ['Traceback (most recent call last):', ...pyFrames(r, int(r, 1, 3)), `TimeoutError: timed out after ${int(r, 1, 60)} seconds`],
	},
	state: {
		id: 'state',
		java: (r) => [`java.lang.IllegalStateException: order ${int(r, 1, 99999)} is in state '${pick(r, ['paid', 'shipped', 'cancelled'])}'`, ...frames(r, int(r, 2, 5))],
		python: (r) => ['Traceback (most recent call last):', ...pyFrames(r, int(r, 1, 3)), `ValueError: invalid literal for int() with base 10: '${letters(r, 5)}'`],
	},
	io: {
		id: 'io',
		java: (r) => [
			`java.lang.RuntimeException: could not write ${VARIABLES.path(r)}`,
			...frames(r, int(r, 2, 4)),
			`Caused by: java.io.IOException: No space left on device`,
			...frames(r, int(r, 1, 3)),
			`\t... ${int(r, 3, 40)} more`,
		],
		python: (r) => ['Traceback (most recent call last):', ...pyFrames(r, int(r, 1, 3)), `OSError: [Errno 28] No space left on device: '${VARIABLES.path(r)}'`],
	},
};

interface TemplateSpec {
	id: string;
	level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
	text: string;
	exceptions?: string[];
}

/** Our templates. Near twins (opened/closed, hit/miss, GET/POST, Upgraded/Downgraded) must stay apart. */
export const TEMPLATES: TemplateSpec[] = [
	{ id: 'accepted', level: 'INFO', text: 'Accepted connection from {ip}:{port} for user {user}' },
	{ id: 'conn-open', level: 'INFO', text: 'Connection opened to {host} on port {port}' },
	{ id: 'conn-close', level: 'INFO', text: 'Connection closed to {host} after {duration}' },
	{ id: 'login', level: 'INFO', text: 'User {user} logged in from {host}' },
	{ id: 'logout', level: 'INFO', text: 'User {user} logged out' },
	{ id: 'login-failed', level: 'WARN', text: 'Failed login for user {user} from {ip}: {quoted}' },
	{ id: 'config', level: 'INFO', text: 'Reading configuration from {path}' },
	{ id: 'wrote', level: 'DEBUG', text: 'Wrote {size} to {path} in {duration}' },
	{ id: 'job-start', level: 'INFO', text: 'Job {hexid} started by {user} on {host}' },
	{ id: 'job-done', level: 'INFO', text: 'Job {hexid} finished in {duration} with status ok' },
	{ id: 'job-failed', level: 'ERROR', text: 'Job {hexid} failed: {quoted}', exceptions: ['timeout', 'state'] },
	{ id: 'cache-hit', level: 'DEBUG', text: 'Cache hit for key {letters}' },
	{ id: 'cache-miss', level: 'DEBUG', text: 'Cache miss for key {letters}' },
	{ id: 'exited', level: 'WARN', text: 'Process {proc} exited with code {n}' },
	{ id: 'spawned', level: 'INFO', text: 'Spawned process {proc} with pid {numid}' },
	{ id: 'get', level: 'INFO', text: 'Request {uuid} GET {urlpath} returned {status} in {duration}' },
	{ id: 'post', level: 'INFO', text: 'Request {uuid} POST {urlpath} returned {status} in {duration}' },
	{ id: 'quota', level: 'WARN', text: 'Quota for tenant {letters} at {pct} of plan {tier}' },
	{ id: 'upgrade', level: 'INFO', text: 'Upgraded account {email} to plan {tier}' },
	{ id: 'downgrade', level: 'INFO', text: 'Downgraded account {email} to plan {tier}' },
	{ id: 'mail', level: 'INFO', text: 'Sending email to {email} with subject {quoted}' },
	{ id: 'declined', level: 'ERROR', text: 'Payment declined for order {numid} region={region} gateway={gateway}' },
	{ id: 'refund', level: 'INFO', text: 'Refund of {size} issued through gateway={gateway}' },
	{ id: 'lag', level: 'WARN', text: 'Replica {host} lagging behind primary by {duration} region={region}' },
	{ id: 'unhandled', level: 'ERROR', text: 'Unhandled exception while processing order {numid}', exceptions: ['state', 'io'] },
	{ id: 'scheduled', level: 'INFO', text: 'Scheduled task {letters} will run at {clock}' },
	{ id: 'disk', level: 'WARN', text: 'Disk usage on {path} is {pct}' },
	{ id: 'pool', level: 'DEBUG', text: 'Thread pool {proc} resized from {n} to {n}' },
	{ id: 'health-ok', level: 'INFO', text: 'Health check passed for {host}' },
	{ id: 'health-bad', level: 'ERROR', text: 'Health check failed for {host}: {quoted}' },
	{ id: 'fetch', level: 'DEBUG', text: 'Fetched https://{host}{urlpath}?session={hexid} for {user}' },
	{ id: 'transfer', level: 'INFO', text: 'Transfer to {host} closed, {n} bytes ({size}) sent, lifetime {clock}' },
];

export interface Header {
	/** Writes the header for a record; returns the line prefix and the time as written. */
	write(r: Random, ms: number, level: string, template: TemplateSpec, message: string): { line: string; time?: number };
	/** Stack traces this family writes: Java, Python, or indented-only (for logs without time). */
	traces: 'java' | 'python' | 'indented' | 'none';
	levelWords: boolean;
	year: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const isoMs = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Math.floor(ms / 1000) * 1000;
const clock = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
const LOGGERS = ['com.acme.billing.InvoiceService', 'com.acme.gateway.Router', 'com.acme.auth.SessionManager', 'com.acme.jobs.Scheduler'];
const SERVICES = ['billing', 'gateway', 'auth', 'scheduler', 'mailer'];
const LETTER: Record<string, string> = { DEBUG: 'D', INFO: 'I', WARN: 'W', ERROR: 'E' };
/** A fixed logger / service per template, as real code has. */
const sourceOf = (template: TemplateSpec, list: string[]) => list[[...template.id].reduce((h, c) => h * 31 + c.charCodeAt(0), 7) % list.length];
/** Host names without digits: a handful per log, any of them on any line. */
const HOSTS = ['atlas', 'boreas', 'cygnus', 'draco', 'eridanus'];

export const FAMILIES: Record<string, Header> = {
	'iso-logger': {
		traces: 'java',
		levelWords: true,
		year: 2026,
		write: (r, ms, level, t, message) => ({
			line: `${isoMs(ms)} ${level.padEnd(5)} [worker-${int(r, 1, 12)}] ${sourceOf(t, LOGGERS)} - ${message}`,
			time: ms,
		}),
	},
	'syslog-hosts': {
		traces: 'none',
		levelWords: false,
		year: 2026,
		write: (r, ms, _level, t, message) => {
			const d = new Date(ms);
			const proc = r() < 0.7 ? sourceOf(t, PROCESSES) : zipf(r, PROCESSES);
			return { line: `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${clock(d)} ${pick(r, HOSTS)} ${proc}[${int(r, 100, 40000)}]: ${message}`, time: seconds(ms) };
		},
	},
	pipes: {
		traces: 'java',
		levelWords: true,
		year: 2026,
		write: (_r, ms, level, t, message) => {
			const d = new Date(ms);
			return {
				line: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${clock(d)},${pad(d.getUTCMilliseconds(), 3)}|${level}|${sourceOf(t, SERVICES)}|${message}`,
				time: ms,
			};
		},
	},
	'epoch-letter': {
		traces: 'python',
		levelWords: false,
		year: 2026,
		write: (_r, ms, level, t, message) => ({ line: `${ms} ${LETTER[level]} ${sourceOf(t, SERVICES)}: ${message}`, time: ms }),
	},
	'clf-brackets': {
		traces: 'none',
		levelWords: true,
		year: 2026,
		write: (r, ms, level, _t, message) => {
			const d = new Date(ms);
			return {
				line: `[${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${clock(d)} +0000] [${pick(r, HOSTS)}] <${level.toLowerCase()}> ${message}`,
				time: seconds(ms),
			};
		},
	},
	'bare-names': {
		traces: 'java',
		levelWords: true,
		year: 2026,
		write: (r, ms, level, t, message) => {
			const d = new Date(ms);
			return {
				line: `${clock(d)}.${pad(d.getUTCMilliseconds(), 3)} ${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pick(r, HOSTS)} ${r() < 0.8 ? sourceOf(t, PROCESSES) : zipf(r, PROCESSES)} ${level} ${message}`,
				time: ms,
			};
		},
	},
	json: {
		traces: 'none',
		levelWords: true,
		year: 2026,
		write: (r, ms, level, t, message) => ({
			line: JSON.stringify({ ts: isoMs(ms), level: level.toLowerCase(), logger: sourceOf(t, LOGGERS), msg: message, host: pick(r, HOSTS), trace_id: hex(r, 16) }),
			time: ms,
		}),
	},
	logfmt: {
		traces: 'none',
		levelWords: true,
		year: 2026,
		write: (r, ms, level, t, message) => ({
			line: `time=${isoMs(ms)} level=${level.toLowerCase()} svc=${sourceOf(t, SERVICES)} host=${pick(r, HOSTS)} msg="${message.replace(/"/g, "'")}"`,
			time: ms,
		}),
	},
	untimed: {
		traces: 'indented',
		levelWords: true,
		year: 2026,
		write: (_r, _ms, level, t, message) => ({ line: `${level}: ${sourceOf(t, SERVICES)}: ${message}` }),
	},
};

/**
 * A header format put together from a seed: a time in one of seven notations, a level in one of
 * five styles or none, optional host, program and thread fields, and a separator before the
 * message. Dozens of formats, none of them written down anywhere in the digest.
 */
export function composedHeader(seed: number): Header & { describe: string } {
	const r = rng(seed * 104729 + 17);
	const timeStyle = int(r, 0, 6);
	const levelStyle = int(r, 0, 5);
	const withHost = r() < 0.6;
	const programStyle = int(r, 0, 3);
	const withThread = r() < 0.4;
	const hostFirst = withHost && r() < 0.2;
	const separator = pick(r, [' ', ' - ', ' | ', ' :: ']);
	const traces = pick(r, ['java', 'python', 'none'] as const);
	const time = (ms: number): { text: string; time: number } => {
		const d = new Date(ms);
		const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
		const frac = pad(d.getUTCMilliseconds(), 3);
		switch (timeStyle) {
			case 0:
				return { text: isoMs(ms), time: ms };
			case 1:
				return { text: `${date} ${clock(d)},${frac}`, time: ms };
			case 2:
				return { text: `${date.replace(/-/g, '/')} ${clock(d)}`, time: seconds(ms) };
			case 3:
				return { text: `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${clock(d)}`, time: seconds(ms) };
			case 4:
				return { text: String(ms), time: ms };
			case 5:
				return { text: `[${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${clock(d)} +0000]`, time: seconds(ms) };
			default:
				return { text: `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${clock(d)}.${frac}`, time: ms };
		}
	};
	const level = (name: string) => [name.padEnd(5), `[${name}]`, `<${name.toLowerCase()}>`, name, LETTER[name], ''][levelStyle];
	const describe = `time#${timeStyle} level#${levelStyle} host=${withHost}${hostFirst ? '(first)' : ''} program#${programStyle} thread=${withThread} sep=${JSON.stringify(separator)} traces=${traces}`;
	return {
		describe,
		traces,
		levelWords: levelStyle <= 3,
		year: 2026,
		write: (rr, ms, lvl, t, message) => {
			const when = time(ms);
			const host = withHost ? pick(rr, HOSTS) : '';
			const proc = rr() < 0.8 ? sourceOf(t, PROCESSES) : zipf(rr, PROCESSES);
			const program = ['', `${proc}[${int(rr, 100, 40000)}]:`, `${proc}:`, `(${proc})`][programStyle];
			const fields = [...(hostFirst ? [host, when.text] : [when.text, host]), level(lvl), withThread ? `[worker-${int(rr, 1, 12)}]` : '', program].filter(Boolean);
			return { line: `${fields.join(' ')}${separator}${message}`, time: when.time };
		},
	};
}

function fill(r: Random, text: string): string {
	return text.replace(/\{(\w+)\}/g, (_, kind: string) => VARIABLES[kind](r));
}

/** Variables of few values: a plan tier, a region, a gateway, a process or user name. */
const FEW_VALUES = ['tier', 'region', 'gateway', 'proc', 'user'];

/**
 * A seeded subset of the templates. A variable of few values can only be told from constants
 * where it varies in more than one statement, as in real logs, so each such variable the subset
 * uses is used by at least two of its templates.
 */
function chooseTemplates(r: Random): TemplateSpec[] {
	const chosen = new Set(TEMPLATES.filter(() => r() < 0.7).map((t) => t.id));
	for (const kind of FEW_VALUES) {
		const users = TEMPLATES.filter((t) => t.text.includes(`{${kind}}`));
		const present = users.filter((t) => chosen.has(t.id));
		if (present.length === 1) chosen.add(pick(r, users.filter((t) => t !== present[0])).id);
	}
	return TEMPLATES.filter((t) => chosen.has(t.id));
}

/**
 * One synthetic log: `records` records of a seeded choice of templates in the given header
 * format. Every template in it occurs at least three times: a variable seen fewer times with
 * different values cannot be told from two statements.
 */
export function syntheticLog(family: string | (Header & { describe: string }), seed: number, records = 1500): SyntheticLog {
	const header = typeof family === 'string' ? FAMILIES[family] : family;
	const name = typeof family === 'string' ? family : `composed(${family.describe})`;
	const r = rng(seed * 7919 + name.length);
	// Each log uses a different subset of the templates, with different frequencies.
	const chosen = chooseTemplates(r);
	const weights = chosen.map(() => r() ** 3 + 0.002);
	const total = weights.reduce((a, b) => a + b, 0);
	let ms = Date.UTC(2026, 2, 4, 5, 6, 7, 0) + int(r, 0, 86_400_000);
	const out: SyntheticRecord[] = [];
	for (let i = 0; i < records; i++) {
		let x = r() * total;
		let k = 0;
		while (k < chosen.length - 1 && (x -= weights[k]) > 0) k++;
		if (i < chosen.length * 3) k = i % chosen.length;
		const t = chosen[k];
		ms += int(r, 0, 4000);
		const { line, time } = header.write(r, ms, t.level, t, fill(r, t.text));
		const lines = [line];
		let truth = t.id;
		if (t.exceptions && header.traces !== 'none') {
			const ex = EXCEPTIONS[pick(r, t.exceptions)];
			truth = `${t.id}+${ex.id}`;
			if (header.traces === 'java') lines.push(...ex.java(r));
			else if (header.traces === 'python') lines.push(...ex.python(r));
			else lines.push(...ex.java(r).map((l) => `    ${l.replace(/^\t/, '')}`));
		}
		out.push({ lines, truth, time, level: t.level });
	}
	return {
		family: name,
		text: out.map((rec) => rec.lines.join('\n')).join('\n'),
		records: out,
		year: header.year,
		levelWords: header.levelWords,
	};
}
