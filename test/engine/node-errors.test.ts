/**
 * How a failure leaves a node without Continue On Fail (the item runner's mapping, through n8n's
 * engine): NodeApiError only for a real HTTP failure, carrying the API's response; our own
 * refusals (a budget, a timeout) are NodeOperationError with the item named; with Continue On
 * Fail the same failures are items of the one failed shape.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSpecialistNode } from '../helpers/engine.ts';
import { TEST_KEY, useSimulator } from '../helpers/simulator.ts';

const dir = mkdtempSync(join(tmpdir(), 'agent-swarm-errors-'));
beforeAll(() => (process.env.AGENT_SWARM_LEDGER_PATH = join(dir, 'ledger.sqlite')));
afterAll(() => {
	delete process.env.AGENT_SWARM_LEDGER_PATH;
	rmSync(dir, { recursive: true, force: true });
});

const single = (extra: Record<string, unknown> = {}) => ({ mode: 'single', role: 'incident.metrics', options: { maxAttempts: 1 }, ...extra });
const items = [{ metrics: 'cpu 99%' }, { metrics: 'cpu 98%' }];

describe('node errors without Continue On Fail', () => {
	const { sim, url } = useSimulator();
	const credentials = () => ({ apiKey: TEST_KEY, baseUrl: url() });

	it('an API error is a NodeApiError with the status and the body the API sent', async () => {
		sim.script({ behaviour: { kind: 'error', status: 529 } });
		const { error } = await runSpecialistNode({ parameters: single(), items, credentials: credentials() });
		expect(error).toMatchObject({ name: 'NodeApiError', httpCode: '529' });
		// The documented error body (https://platform.claude.com/docs/en/api/errors) as the server sent it.
		expect((error as unknown as { errorResponse: unknown }).errorResponse).toMatchObject({ type: 'error', error: { type: 'overloaded_error' }, request_id: expect.stringMatching(/^req_/) });
		expect(JSON.stringify(error)).not.toContain(TEST_KEY);
	});

	it('a budget refusal is a NodeOperationError naming the item; with Continue On Fail a failed item with nothing spent', async () => {
		const budget = { budgetStore: 'embedded', budgets: { budget: [{ window: 'execution', maxUsd: 0.000001 }] } };
		const hard = await runSpecialistNode({ parameters: single(budget), items, credentials: credentials() });
		expect(hard.error).toMatchObject({ name: 'NodeOperationError', context: { itemIndex: 0 } });
		expect(hard.error!.message).toMatch(/Not enough budget left/);
		const soft = await runSpecialistNode({ parameters: single(budget), items, credentials: credentials(), continueOnFail: true });
		expect(soft.items!.map((i) => i.json)).toEqual([0, 1].map(() => expect.objectContaining({ status: 'failed', error: expect.objectContaining({ type: 'budget_exceeded' }), costUsd: 0 })));
		expect(soft.items!.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(sim.messageRequests()).toHaveLength(0);
	});

	it('a timeout is a NodeOperationError (there was no HTTP response to show)', async () => {
		sim.script({ behaviour: { kind: 'hang' } });
		const { error } = await runSpecialistNode({ parameters: single({ options: { maxAttempts: 1, timeoutSeconds: 1 } }), items: [items[0]], credentials: credentials() });
		expect(error).toMatchObject({ name: 'NodeOperationError' });
		expect(error!.message).toMatch(/did not answer in time/);
	});
});
