import { existsSync } from 'node:fs';

/**
 * A program from the operating system's packages (Debian's `prometheus`, `chromium`). Tests
 * that need one are skipped where it is missing, with the reason printed, unless
 * AGENT_SWARM_REQUIRE_SYSTEM_TOOLS=1 (set by .ci/run, which installs them): then a missing
 * program fails the run instead of hiding behind a skip.
 */
export function systemTool(name: string, paths: string[]): string | undefined {
	const found = paths.find((p) => existsSync(p));
	if (found) return found;
	const message = `${name} not found (${paths.join(', ')}). Install it: apt-get install ${name}`;
	if (process.env.AGENT_SWARM_REQUIRE_SYSTEM_TOOLS === '1') throw new Error(message);
	console.warn(`[skip] ${message}`);
	return undefined;
}
