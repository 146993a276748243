import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
	resolve: {
		// n8n-core requires the CommonJS build of n8n-workflow; the tests and the nodes must use
		// that same copy, or class checks (errors, credential helpers) fail across the two builds.
		alias: { 'n8n-workflow': require.resolve('n8n-workflow') },
	},
	test: {
		include: ['test/**/*.test.ts'],
		testTimeout: 60_000,
		hookTimeout: 300_000,
		// The real-n8n suite owns a process and ports; run files one at a time for clean timings.
		fileParallelism: false,
	},
});
