/**
 * The one settings type for every agent run (a specialist or a coordinator): how the model is
 * chosen, how hard it thinks, how long it may take and what it costs.
 */
import type { RetryPolicy } from './claude/retry.ts';
import type { CacheTtl } from './claude/structured-call.ts';
import type { EffortChoice } from './models/effort.ts';
import type { PriceTable } from './models/prices.ts';
import type { ModelSelection } from './models/tiers.ts';

export interface AgentSettings {
	selection: ModelSelection;
	effort: EffortChoice;
	/** The user's Max Tokens; undefined = the default for the effort (room for thinking). */
	maxTokens?: number;
	/** Longest wait for one HTTP attempt. */
	timeoutMs: number;
	/** Absolute end of the run (epoch ms): bounds every attempt and every retry wait. */
	deadline?: number;
	retry: RetryPolicy;
	/** Prompt caching of the instructions and its TTL; undefined = off. */
	cache?: CacheTtl;
	prices: PriceTable;
	/** Strings that must never appear in a result (the API key, a gateway secret). */
	secrets: string[];
	/** Inputs longer than this (characters) are analysed in chunks and merged. */
	chunkChars: number;
	/** Size budget of a rendered digest (characters). */
	digestChars: number;
	/** Optional layout of log lines for the log digest ("<Date> <Time> <Level> <Component>: <Content>"). */
	logFormat?: string;
	chunkConcurrency: number;
}

export const DEFAULT_CHUNK_CHARS = 200_000;
export const DEFAULT_DIGEST_CHARS = 60_000;
