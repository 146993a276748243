/**
 * The optional log-format hint reaches the log digest of the Specialist Agent (options.logFormat),
 * and a hint that cannot work gives a failed item that says why, not a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { runSpecialistNode } from '../helpers/engine.ts';
import { TEST_KEY, useSimulator } from '../helpers/simulator.ts';

/** A header no rule names: service, level and time after a tag, fields between "::". */
const LOGS = Array.from({ length: 40 }, (_, i) => {
	const time = `2026-11-25T02:${String(10 + Math.floor(i / 4)).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}Z`;
	return i % 4 === 0
		? `edge-${['atlas', 'boreas'][i % 2]} :: SEV2 :: ${time} :: upstream checkout timed out after ${100 + i}ms`
		: `edge-${['atlas', 'boreas'][i % 2]} :: SEV5 :: ${time} :: served /health in ${3 + (i % 4)}ms`;
}).join('\n');

describe('Log Format option of the Specialist Agent', () => {
	const { sim, url } = useSimulator();
	const run = (options: Record<string, unknown>) =>
		runSpecialistNode({
			parameters: { mode: 'single', role: 'incident.logs', input: LOGS, options },
			items: [{ json: {} }],
			credentials: { apiKey: TEST_KEY, baseUrl: url() },
			continueOnFail: true,
		});

	it('splits each line as the hint says: the <Level> field is the level, <Content> the template', async () => {
		const { items } = await run({ logFormat: '<Host> :: <Level> :: <Time> :: <Content>' });
		expect(items![0].json).toMatchObject({ status: 'success', input: { logLines: 40, logTemplates: 2 } });
		const prompt = JSON.stringify(sim.messageRequests()[0].messages);
		expect(prompt).toContain('level=SEV2');
		expect(prompt).toMatch(/\\n  upstream checkout timed out after <\*>\\n/);
	});

	it('gives a failed item naming the field and the fix for a hint without <Content>', async () => {
		const { items } = await run({ logFormat: '<Host> :: <Level> :: <Time> :: <Message>' });
		expect(items![0].json).toMatchObject({ status: 'failed', error: { type: 'input' } });
		expect(String((items![0].json.error as { message: string }).message)).toMatch(/^Log Format: .* has no <Content> field\. Fix: /);
		expect(sim.messageRequests()).toHaveLength(0);
	});
});
