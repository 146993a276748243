/** `npm run demo -- --once`: the one command a new user runs, end to end in a real n8n. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/n8n-instance.ts';
import { ClaudeSimulator } from '../../simulator/server.ts';

function runDemo(extraEnv: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
	const env: NodeJS.ProcessEnv = { ...process.env, ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: '', ...extraEnv };
	for (const key of Object.keys(env)) if (/^(VITEST|NODE_ENV$|TEST$)/.test(key)) delete env[key];
	return new Promise((resolve) => {
		const child = execFile(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', join(ROOT, 'scripts/demo.ts'), '--once'], { env, cwd: ROOT, timeout: 285_000 }, (error, stdout, stderr) =>
			resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
		);
		child.stdin?.end();
	});
}

describe('npm run demo', () => {
	it('honours ANTHROPIC_BASE_URL beside ANTHROPIC_API_KEY, and when the analysis fails says what failed and why and exits non-zero', async () => {
		// A gateway that does not accept this key: every call is refused with 401.
		const gateway = new ClaudeSimulator({ requiredApiKey: 'the-gateway-key' });
		const url = await gateway.start();
		// A key the gateway refuses, built here so no key-like literal sits in the repository.
		const refusedKey = ['sk', 'ant', 'not-this-one'].join('-');
		try {
			const { code, out } = await runDemo({ ANTHROPIC_API_KEY: refusedKey, ANTHROPIC_BASE_URL: url });
			expect(code, out).not.toBe(0);
			expect(out).toContain(`Claude: ${url} with your key (ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL set).`);
			expect(out).toMatch(/The analysis failed: status "insufficient_evidence" — input: Quorum not met/);
			expect(out).toMatch(/Specialists: based on 0 of 5 specialists; (incident\.)?logs unavailable: auth/);
			expect(out).not.toMatch(/Root cause: +undefined|MTTR: +~null/);
			expect(out).not.toContain(refusedKey);
			expect(gateway.messageRequests().length).toBeGreaterThanOrEqual(5);
			expect(gateway.messageRequests().every((r) => r.status === 401)).toBe(true);
		} finally {
			await gateway.stop();
		}
	}, 300_000);

	it('starts n8n with the workflows, fires the sample incident against the simulator and prints the report and cost', async () => {
		const { code, out } = await runDemo({});
		expect(code, out).toBe(0);
		expect(out).toMatch(/Claude: SIMULATED by the loopback server/);
		expect(out).toMatch(/\[Slack \(local stand-in\) received\][\s\S]*INC-DEMO/);
		expect(out).toMatch(/=== Incident report \(SIMULATED model output\) — HTTP 200/);
		expect(out).toMatch(/Evidence: +based on 5 of 5 specialists/);
		expect(out).toMatch(/Cost: +\$0\.\d+ for \d+ tokens/);
		// The "demo" scenario's commander answer, through the real workflow.
		expect(out).toMatch(/Root cause: +Commit a1b2c3d cut the DB connection pool to 50.*\(confidence 88%\)/);
		// The cost squad on the bundled FOCUS bill: ranked by ROI in code, totals, spend from the rows.
		expect(out).toMatch(/Multi-cloud cost review[\s\S]*1\. \[aws\] nat-0a8bef19776f0e435[\s\S]*2\. \[aws\] EC2 on-demand fleet[\s\S]*Total savings:\* \$7\.40\/month[\s\S]*Spend in export:\* \$20\.52/);
		expect(out).toMatch(/Editor: +http:\/\/127\.0\.0\.1:\d+ +login owner@agent-swarm\.test/);
	}, 300_000);
});
