import { z } from 'zod/v4';
import type { RolePreset } from './role.ts';

/** One shape for every cloud, so the coordinator can rank all recommendations by ROI. */
export const costRecommendationsSchema = z.object({
	summary: z.string(),
	total_monthly_spend_usd: z.number(),
	recommendations: z.array(
		z.object({
			resource: z.string().describe('Resource id or service the action applies to'),
			action: z.string(),
			category: z.enum(['rightsizing', 'idle', 'orphaned', 'commitment', 'storage', 'network', 'licensing', 'other']),
			monthly_savings_usd: z.number(),
			effort_hours: z.number(),
			risk: z.enum(['low', 'medium', 'high']),
			rationale: z.string().describe('Which billing rows show it'),
		}),
	),
});

function cloud(id: string, name: string, services: string): RolePreset {
	return {
		id: `cost.${id}`,
		name,
		family: 'cost',
		description: `Finds savings in ${name.replace(' Cost Specialist', '')} spend`,
		mustFind: [
			`idle, orphaned and oversized resources (${services})`,
			'missing commitment discounts (reservations, savings plans, committed use) for steady usage',
			'storage class, snapshot and egress waste',
			'for each: monthly savings in USD and effort in hours, from the billing summary given (its figures are exact, computed in code from the FOCUS rows)',
			'start from the rule-based savings candidates, confirm or reject each, and add what the totals show',
		],
		inputField: 'billing',
		inputKind: 'billing',
		cloud: id,
		defaultTier: 'balanced',
		defaultEffort: 'medium',
		complexity: 'medium',
		schema: costRecommendationsSchema,
	};
}

export const COST_ROLES: RolePreset[] = [
	cloud('aws', 'AWS Cost Specialist', 'EC2, EBS, RDS, S3, NAT gateways, Lambda'),
	cloud('gcp', 'GCP Cost Specialist', 'Compute Engine, persistent disks, Cloud SQL, GCS, BigQuery'),
	cloud('azure', 'Azure Cost Specialist', 'VMs, managed disks, SQL Database, Blob storage, App Service'),
];
