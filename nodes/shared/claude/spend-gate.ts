/**
 * How a budget plugs into the transport: the transport owns this interface and the budget
 * implements it, so imports point downward (claude/ never imports budget/).
 */
import type { Usage } from '../models/prices.ts';

/** A call's size as far as a budget needs it. */
export interface SpendRequest {
	model: string;
	/** Characters of the whole prompt (system, messages, schema). */
	promptChars: number;
	maxTokens: number;
	/** Counts the prompt's input tokens for a model with the API's count_tokens, when asked. */
	countTokens?: (model: string) => Promise<number>;
}

/** A reservation: its id, and the model the gate allows (a cheaper one after a step-down). */
export interface SpendHold {
	id: string;
	model: string;
}

export interface SpendGate {
	/** Holds an estimate before the call; throws AgentError `budget_exceeded` when none fits. */
	reserve(request: SpendRequest): Promise<SpendHold>;
	/** Replaces the hold by what the call really used (nothing when no reply was billed). */
	settle(hold: SpendHold, usage: Usage | undefined): Promise<void>;
}
