/** What every Evidence Fetch operation provides: its editor fields beside what it does for one item. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { ItemOutput } from '../../shared/n8n/item-runner.ts';

export interface EvidenceOperation {
	value: string;
	name: string;
	action: string;
	description: string;
	/** Shown only for this operation (the node adds the displayOptions). */
	properties: INodeProperties[];
	execute(ctx: IExecuteFunctions, itemIndex: number, item: INodeExecutionData, signal: AbortSignal): Promise<ItemOutput | ItemOutput[]>;
}
