// n8n's community-node rules without the n8n Cloud profile: this package bundles the Anthropic
// SDK and uses Node built-ins (see README, "Differences from n8n lint rules"). Tests, the
// simulator, benchmark and scripts are not shipped, so the node rules do not apply to them.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	{ ignores: ['dist/**', 'test/**', 'simulator/**', 'scripts/**', 'bench/**', 'workflows/**', 'gulpfile.js', 'vitest.config.mts'] },
	...configWithoutCloudSupport,
];
