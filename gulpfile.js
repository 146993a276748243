// Build: bundle each node and credential with its third-party code (Anthropic SDK, zod, Ajv)
// into dist/, so the installed package has no runtime dependencies and cannot clash with the
// older copies n8n ships. n8n-workflow stays external: n8n provides it.
const { src, dest, series } = require('gulp');
const esbuild = require('esbuild');
const { rmSync } = require('node:fs');

const entryPoints = [
	'nodes/SpecialistAgent/SpecialistAgent.node.ts',
	'nodes/Coordinator/Coordinator.node.ts',
	'nodes/AgentMetrics/AgentMetrics.node.ts',
	'nodes/TokenBudget/TokenBudget.node.ts',
	'nodes/EvidenceFetch/EvidenceFetch.node.ts',
	'nodes/PrReview/PrReview.node.ts',
	'credentials/AgentSwarmAnthropicApi.credentials.ts',
	'credentials/AgentSwarmRedisApi.credentials.ts',
];

async function clean() {
	rmSync('dist', { recursive: true, force: true });
}

async function bundle() {
	await esbuild.build({
		entryPoints,
		outdir: 'dist',
		outbase: '.',
		bundle: true,
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		external: ['n8n-workflow'],
		sourcemap: false,
		legalComments: 'linked',
		logLevel: 'warning',
	});
}

function assets() {
	return src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}'], { base: '.', encoding: false }).pipe(dest('dist'));
}

exports.build = series(clean, bundle, assets);
exports.default = exports.build;
