/**
 * PR Review's Screen Delivery and Record Review in n8n's engine with the Redis store, as queue
 * mode runs them: executions on different workers see one set of claims.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { pullRequestEvent, signedDelivery } from '../fixtures/github/webhooks.ts';
import { runChain, type EngineRun } from '../helpers/engine.ts';

const redisCredentials = { host: '127.0.0.1', port: 6379, database: 0, keyPrefix: `agentswarm-test-prreview-${process.pid}-${Date.now()}:` };
const HEAD = 'e'.repeat(40);

const screen = (delivery: { headers: Record<string, string>; body: string }) =>
	runChain({
		chain: [{ name: 'Screen', type: 'prReview', parameters: { operation: 'screen', store: 'redis' } }],
		items: [{ headers: delivery.headers, body: JSON.parse(delivery.body) }],
		credentials: {},
		redisCredentials,
	});
const outputsOf = (run: EngineRun) => run.run.data.resultData.runData.Screen[0].data!.main as Array<Array<{ json: Record<string, unknown> }> | null>;
const record = (screened: Record<string, unknown>, state: string) =>
	runChain({
		chain: [{ name: 'Record', type: 'prReview', parameters: { operation: 'record', store: 'redis', screened: '={{ $json }}', state, headSha: HEAD, record: JSON.stringify({ sha: HEAD, at: '', findings: [] }) } }],
		items: [screened as never],
		credentials: {},
		redisCredentials,
	});

afterAll(async () => {
	const { default: Redis } = await import('ioredis');
	const redis = new Redis({ host: '127.0.0.1', port: 6379 });
	const keys = await redis.keys(`${redisCredentials.keyPrefix}*`);
	if (keys.length) await redis.del(...keys);
	redis.disconnect();
});

describe('PR Review state in Redis (queue mode)', () => {
	it('the same delivery on three workers at once runs one review; a failed review is released for redelivery; a recorded one is not', async () => {
		const delivery = signedDelivery('pull_request', pullRequestEvent('opened', { number: 41, headSha: HEAD }), 'secret');
		const runs = await Promise.all([0, 1, 2].map(() => screen(delivery)));
		const reviewed = runs.flatMap((r) => outputsOf(r)[0] ?? []);
		const ignored = runs.flatMap((r) => outputsOf(r)[1] ?? []);
		expect(reviewed).toHaveLength(1);
		expect(ignored.map((i) => i.json.code)).toEqual(['replay', 'replay']);
		expect(reviewed[0].json).toMatchObject({ outcome: 'review', trigger: 'opened', pr: { repo: 'acme/shop', number: 41, headSha: HEAD }, response: { status: 202 } });

		// The review failed: its claims are given back, GitHub's redelivery (same id) runs again.
		expect((await record(reviewed[0].json, 'error')).items![0].json).toMatchObject({ released: true });
		const again = outputsOf(await screen(delivery));
		expect(again[0]).toHaveLength(1);

		// Recorded: the redelivery and another delivery for the same head commit are refused.
		expect((await record(again[0]![0].json, 'failure')).items![0].json).toMatchObject({ recorded: true });
		expect(outputsOf(await screen(delivery))[1]![0].json).toMatchObject({ code: 'replay' });
		const reopened = signedDelivery('pull_request', pullRequestEvent('reopened', { number: 41, headSha: HEAD }), 'secret');
		expect(outputsOf(await screen(reopened))[1]![0].json).toMatchObject({ code: 'duplicate' });
		// A new push on the same pull request is reviewed, incrementally from the recorded commit.
		const push = signedDelivery('pull_request', pullRequestEvent('synchronize', { number: 41, headSha: 'f'.repeat(40), before: HEAD }), 'secret');
		expect(outputsOf(await screen(push))[0]![0].json).toMatchObject({ outcome: 'review', trigger: 'synchronize', compareFrom: HEAD, previous: { sha: HEAD } });
	});

	it('an unreadable delivery goes to "No Review" with the 4xx to answer', async () => {
		const run = await runChain({
			chain: [{ name: 'Screen', type: 'prReview', parameters: { operation: 'screen', store: 'redis' } }],
			items: [{ headers: { 'x-github-event': 'pull_request', 'x-github-delivery': 'd-1', 'content-type': 'application/x-www-form-urlencoded' }, body: { other: '1' } }],
			credentials: {},
			redisCredentials,
		});
		expect(outputsOf(run)[1]![0].json).toMatchObject({ outcome: 'refused', response: { status: 400, body: { field: 'payload' } } });
	});
});
