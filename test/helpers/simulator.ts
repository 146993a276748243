import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ZERO_USAGE, type Usage } from '../../nodes/shared/models/prices.ts';
import { ClaudeSimulator, type RecordedRequest, type SimulatorOptions } from '../../simulator/server.ts';

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

/** What the simulator billed for one request, in the client's Usage shape. */
export function billedUsage(record: RecordedRequest): Usage {
	const u = record.usage;
	if (!u) return ZERO_USAGE;
	return {
		input_tokens: u.input_tokens,
		output_tokens: u.output_tokens,
		cache_creation_input_tokens: u.cache_creation_input_tokens,
		cache_read_input_tokens: u.cache_read_input_tokens,
		cache_creation_1h_input_tokens: u.cache_creation.ephemeral_1h_input_tokens,
		thinking_tokens: u.output_tokens_details.thinking_tokens,
	};
}
