// Build: dist/ holds everything the installed package runs, with no runtime dependencies.
// - dist/shared/core.js: the shared core (nodes/shared/**) and the third-party code the nodes
//   use (Anthropic SDK, zod, Ajv, ioredis, prom-client...), bundled once. n8n loads it once per
//   process, so module state (registries, Redis connections, SQLite handles) is one, not one
//   copy per node file.
// - one thin file per node and credential, at the path package.json's n8n block lists (n8n
//   loads each by that path); whatever it takes from the core it requires from core.js.
// n8n-workflow stays external: n8n provides it.
const { src, dest, series } = require('gulp');
const esbuild = require('esbuild');
const { rmSync, statSync } = require('node:fs');
const { dirname, isAbsolute, join, relative, resolve } = require('node:path');
const { n8n } = require('./package.json');

const ROOT = __dirname;
const SHARED = join(ROOT, 'nodes', 'shared') + '/';
const CORE = 'dist/shared/core.js';

const common = {
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'cjs',
	external: ['n8n-workflow'],
	sourcemap: false,
	legalComments: 'linked',
	logLevel: 'warning',
};

/** 'dist/nodes/X/X.node.js' (as package.json lists it) -> 'nodes/X/X.node.ts'. */
function sourceOf(distFile) {
	return distFile.replace(/^dist\//, '').replace(/\.js$/, '.ts');
}

function isPackage(specifier) {
	return !specifier.startsWith('.') && !isAbsolute(specifier) && !specifier.startsWith('node:');
}

/**
 * Routes a node file's imports of the shared core and of third-party packages to core.js,
 * recording each as a key ('nodes/shared/claude/transport', 'zod'); files of the node's own
 * folder stay in the node file.
 */
function throughCore(outfile, keys) {
	const coreFromOutput = './' + relative(dirname(outfile), CORE);
	return {
		name: 'through-core',
		setup(build) {
			build.onResolve({ filter: /.*/, namespace: 'core' }, (args) => ({
				path: args.path,
				external: true,
			}));
			build.onResolve({ filter: /.*/ }, async (args) => {
				if (args.kind === 'entry-point' || args.pluginData?.direct || args.namespace !== 'file')
					return undefined;
				if (args.path === 'n8n-workflow' || args.path.startsWith('node:')) return undefined;
				let key = args.path;
				if (!isPackage(args.path)) {
					const resolved = await build.resolve(args.path, {
						kind: args.kind,
						resolveDir: args.resolveDir,
						pluginData: { direct: true },
					});
					if (resolved.errors.length > 0 || !resolved.path.startsWith(SHARED)) return undefined;
					key = relative(ROOT, resolved.path).replace(/\.ts$/, '');
				}
				keys.add(key);
				return { path: key, namespace: 'core' };
			});
			build.onLoad({ filter: /.*/, namespace: 'core' }, (args) => ({
				contents: `module.exports = require(${JSON.stringify(coreFromOutput)}).modules[${JSON.stringify(args.path)}];`,
				loader: 'js',
			}));
		},
	};
}

/** The core's entry: each module the node files take from it, by key. */
function coreEntry(keys) {
	const lines = [...keys].sort().map((key, i) => {
		const from = key.startsWith('nodes/shared/') ? resolve(ROOT, key) : key;
		return { i, key, line: `import * as m${i} from ${JSON.stringify(from)};` };
	});
	// Marked as ES modules, so a default import in a node file gets the module's default export.
	return [
		...lines.map((l) => l.line),
		"const esModule = (ns) => Object.defineProperty(ns, '__esModule', { value: true });",
		`export const modules = { ${lines.map((l) => `${JSON.stringify(l.key)}: esModule(m${l.i})`).join(', ')} };`,
	].join('\n');
}

async function clean() {
	rmSync('dist', { recursive: true, force: true });
}

async function bundle() {
	const outputs = [...n8n.nodes, ...n8n.credentials];
	const keys = new Set();
	for (const outfile of outputs) {
		await esbuild.build({
			...common,
			entryPoints: [sourceOf(outfile)],
			outfile,
			plugins: [throughCore(outfile, keys)],
		});
	}
	await esbuild.build({
		...common,
		stdin: {
			contents: coreEntry(keys),
			resolveDir: ROOT,
			sourcefile: 'core-entry.ts',
			loader: 'ts',
		},
		outfile: CORE,
	});
	const sizes = [CORE, ...outputs].map(
		(file) => `${file} ${(statSync(file).size / 1024).toFixed(0)} KiB`,
	);
	console.log(`[build] ${sizes.join('; ')}`);
}

function assets() {
	return src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports.build = series(clean, bundle, assets);
exports.default = exports.build;
