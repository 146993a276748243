/** The operations of PR Review: one entry each; the editor options, the outputs and the dispatch come from this list. */
import type { INodeCredentialDescription } from 'n8n-workflow';
import type { NodeOperation } from '../../shared/n8n/operations.ts';
import { redisCredential } from '../../shared/n8n/store-fields.ts';
import { decideOperation } from './decide.operation.ts';
import { planOperation } from './plan.operation.ts';
import { recordOperation } from './record.operation.ts';
import { screenOperation } from './screen.operation.ts';

export const OPERATIONS: readonly NodeOperation[] = [screenOperation, planOperation, decideOperation, recordOperation];

/** Screen and Record keep their state in the chosen store: Redis needs its credential. */
export const reviewCredentials: INodeCredentialDescription[] = [redisCredential('store', { operation: [screenOperation.value, recordOperation.value] })];
