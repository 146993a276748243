/**
 * Once per incident on the real stores (a SQLite file, Redis on 127.0.0.1:6379): the first
 * firing delivery of a group is new, repeats get its report id, a resolution gives the incident
 * up and says how long it lasted, a failed run gives it up for the next delivery.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { normaliseAlert } from '../../nodes/shared/alerts/formats/index.ts';
import { decide, recordOutcome } from '../../nodes/shared/alerts/once-per-incident.ts';
import { RedisOnceStore, SqliteOnceStore, type OnceStore } from '../../nodes/shared/stores/once-store.ts';
import { alertFixture } from '../helpers/alert-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'agent-swarm-incident-once-'));
const PREFIX = `agentswarm-incident-test-${randomUUID().slice(0, 8)}:`;
const redis = [new Redis({ host: '127.0.0.1', port: 6379 }), new Redis({ host: '127.0.0.1', port: 6379 })];
const HOUR = 3_600_000;

afterAll(async () => {
	const keys = await redis[0].keys(`${PREFIX}*`);
	if (keys.length) await redis[0].del(...keys);
	redis.forEach((r) => r.disconnect());
	rmSync(dir, { recursive: true, force: true });
});

const kinds: Array<{ name: string; open: () => OnceStore[] }> = [
	{
		name: 'embedded SQLite',
		open: () => {
			const path = join(dir, `${randomUUID()}.sqlite`);
			return [new SqliteOnceStore(path), new SqliteOnceStore(path)];
		},
	},
	{
		name: 'Redis (two connections, as two workers)',
		open: () => {
			const prefix = `${PREFIX}${randomUUID().slice(0, 6)}:`;
			return redis.map((r) => new RedisOnceStore(r, prefix));
		},
	},
];

for (const kind of kinds) {
	describe(`once per incident, ${kind.name}`, () => {
		it('20 deliveries of the same firing group at once: exactly one new, 19 repeats with its report id', async () => {
			const stores = kind.open();
			const incident = normaliseAlert(alertFixture('alertmanager-firing'));
			const decisions = await Promise.all(Array.from({ length: 20 }, (_, i) => decide(stores[i % stores.length], incident, HOUR)));
			const fresh = decisions.filter((d) => d.outcome === 'new');
			expect(fresh).toHaveLength(1);
			const reportId = fresh[0].outcome === 'new' ? fresh[0].claim.report_id : '';
			expect(reportId).toMatch(/^RPT-/);
			for (const d of decisions.filter((x) => x.outcome !== 'new')) expect(d).toMatchObject({ outcome: 'repeat', earlier: { report_id: reportId, state: 'analysing' } });
		});

		it('the recorded outcome is what repeats see; resolved says how long, and a later firing is new again', async () => {
			const [store] = kind.open();
			const firing = normaliseAlert(alertFixture('alertmanager-firing'));
			const first = await decide(store, firing, HOUR);
			expect(first.outcome).toBe('new');
			await recordOutcome(store, firing.incident_id, { status: 'success', severity: 'critical' }, HOUR);
			expect(await decide(store, firing, HOUR)).toMatchObject({ outcome: 'repeat', earlier: { state: 'success', severity: 'critical' } });
			const resolved = await decide(store, normaliseAlert(alertFixture('alertmanager-resolved')), HOUR);
			// startsAt 02:10:30.123 → latest endsAt 02:53:00: 42.5 minutes, rounded.
			expect(resolved).toMatchObject({ outcome: 'resolved', resolved_after_minutes: 42 });
			expect((await decide(store, firing, HOUR)).outcome).toBe('new');
		});

		it('a failed run gives the incident up: the next delivery is analysed', async () => {
			const [store] = kind.open();
			const incident = normaliseAlert({ incident_id: `INC-${randomUUID().slice(0, 6)}` });
			expect((await decide(store, incident, HOUR)).outcome).toBe('new');
			await recordOutcome(store, incident.incident_id, { status: 'failed', release: true }, HOUR);
			expect((await decide(store, incident, HOUR)).outcome).toBe('new');
		});

		it('a run that records no outcome frees the incident after the analysis timeout, not the whole window', async () => {
			const [store] = kind.open();
			const incident = normaliseAlert({ incident_id: `INC-${randomUUID().slice(0, 6)}` });
			expect((await decide(store, incident, HOUR, new Date(), 300)).outcome).toBe('new');
			expect((await decide(store, incident, HOUR, new Date(), 300)).outcome).toBe('repeat');
			await new Promise((r) => setTimeout(r, 400));
			expect((await decide(store, incident, HOUR, new Date(), 300)).outcome).toBe('new');
			await recordOutcome(store, incident.incident_id, { status: 'success' }, HOUR);
			await new Promise((r) => setTimeout(r, 400));
			expect((await decide(store, incident, HOUR, new Date(), 300)).outcome).toBe('repeat');
		});

		it('PagerDuty: annotated (our note coming back) and acknowledged are ignored and claim nothing', async () => {
			const [store] = kind.open();
			expect((await decide(store, normaliseAlert(alertFixture('pagerduty-annotated')), HOUR)).outcome).toBe('ignored');
			expect((await decide(store, normaliseAlert(alertFixture('pagerduty-triggered')), HOUR)).outcome).toBe('new');
		});
	});
}
