import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ClaudeSimulator, type SimulatorOptions } from '../../simulator/server.ts';

/** A simulator for the whole test file, reset before each test. */
export function useSimulator(options: SimulatorOptions = {}): { sim: ClaudeSimulator; url: () => string } {
	const sim = new ClaudeSimulator(options);
	let url = '';
	beforeAll(async () => {
		url = await sim.start();
	});
	afterAll(() => sim.stop());
	beforeEach(() => sim.reset());
	return { sim, url: () => url };
}

export const TEST_KEY = 'fake-anthropic-key-SECRET-0123456789-do-not-leak';
