import { COST_ROLES } from './cost.ts';
import { INCIDENT_ROLES } from './incident.ts';
import { REVIEW_ROLES } from './review.ts';
import type { RolePreset } from './role.ts';

export type { RoleInfo, RolePreset } from './role.ts';

export const ROLE_PRESETS: readonly RolePreset[] = [...INCIDENT_ROLES, ...REVIEW_ROLES, ...COST_ROLES];

const BY_ID = new Map(ROLE_PRESETS.map((role) => [role.id, role]));

export function findRole(id: string): RolePreset | undefined {
	return BY_ID.get(id);
}

export function roleIds(): string[] {
	return [...BY_ID.keys()];
}
