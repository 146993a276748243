import type { z } from 'zod/v4';
import type { Effort } from '../models/effort.ts';
import type { Complexity, Tier } from '../models/tiers.ts';

export type RoleFamily = 'incident' | 'review' | 'cost' | 'custom';
/**
 * How the input is prepared: logs get the digest; diffs are split between files when large;
 * FOCUS billing exports are aggregated in code into the role's cloud brief;
 * other text is split between lines.
 */
export type InputKind = 'logs' | 'diff' | 'billing' | 'text';

/** What a run needs to know about a role; a preset adds its zod schema. */
export type RoleInfo = Omit<RolePreset, 'schema'>;

/** A specialist is data: adding one means adding one entry to a family file. */
export interface RolePreset {
	id: string;
	name: string;
	family: RoleFamily;
	description: string;
	/** The analyst's brief: what it must find. Becomes part of the cached instructions. */
	mustFind: string[];
	/** The item field read when the user gives no input expression. */
	inputField: string;
	inputKind: InputKind;
	/** For billing roles: the cloud whose FOCUS rows the specialist reads (aws, gcp, azure). */
	cloud?: string;
	defaultTier: Tier;
	/** How hard the role thinks by default (`output_config.effort`): fast specialists low, the rest medium. */
	defaultEffort: Effort;
	complexity: Complexity;
	schema: z.ZodType;
}
