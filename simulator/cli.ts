/**
 * Runs the Claude-compatible simulator as a process:
 *   node simulator/cli.ts [--port 8787] [--host 127.0.0.1] [--latency-ms 0] [--rules rules.json] [--scenario demo|flaky|slow]
 * Prints its URL on the first line of stdout. Script it at runtime over HTTP:
 *   POST /_simulator/rules (a rule or a list), POST /_simulator/latency {"ms": n},
 *   POST /_simulator/reset, GET /_simulator/requests, POST /_simulator/batch {"processingMs": n}.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SCENARIO_BATCH_PROCESSING_MS, SCENARIOS } from './scenarios.ts';
import { ClaudeSimulator, type Rule } from './server.ts';

const { values } = parseArgs({
	options: {
		port: { type: 'string', default: '0' },
		host: { type: 'string', default: '127.0.0.1' },
		'latency-ms': { type: 'string', default: '0' },
		rules: { type: 'string' },
		scenario: { type: 'string' },
	},
});

const sim = new ClaudeSimulator({ port: Number(values.port), host: values.host, defaultLatencyMs: Number(values['latency-ms']) });
if (values.scenario) {
	const scenario = SCENARIOS[values.scenario];
	if (!scenario) {
		process.stderr.write(`Unknown scenario "${values.scenario}". Known: ${Object.keys(SCENARIOS).join(', ')}\n`);
		process.exit(2);
	}
	sim.script(...scenario);
	sim.setBatchProcessingMs(SCENARIO_BATCH_PROCESSING_MS[values.scenario] ?? 0);
}
if (values.rules) sim.script(...(JSON.parse(readFileSync(values.rules, 'utf8')) as Rule[]));
const url = await sim.start();
process.stdout.write(`${url}\n`);
const stop = () => void sim.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
