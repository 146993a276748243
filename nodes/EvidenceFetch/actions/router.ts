/** The operations of Evidence Fetch: one entry each, used by the editor options and the dispatch. */
import type { INodeProperties } from 'n8n-workflow';
import { checkUrlOperation } from './check-url.operation.ts';
import { focusOperation } from './focus.operation.ts';
import type { EvidenceOperation } from './operation.ts';
import { githubCommitsOperation } from './github-commits.operation.ts';
import { prometheusOperation } from './prometheus.operation.ts';
import { urlsOperation } from './urls.operation.ts';

export const OPERATIONS: readonly EvidenceOperation[] = [urlsOperation, focusOperation, prometheusOperation, githubCommitsOperation, checkUrlOperation];

export function operationNamed(value: string): EvidenceOperation | undefined {
	return OPERATIONS.find((op) => op.value === value);
}

/** The operation selector followed by each operation's own fields, shown only for it. */
export function evidenceProperties(): INodeProperties[] {
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			default: 'urls',
			options: OPERATIONS.map(({ name, value, action, description }) => ({ name, value, action, description })),
		},
		...OPERATIONS.flatMap((op) =>
			op.properties.map((p) => ({ ...p, displayOptions: { ...p.displayOptions, show: { ...p.displayOptions?.show, operation: [op.value] } } })),
		),
	];
}
