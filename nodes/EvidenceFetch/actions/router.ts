/** The operations of Evidence Fetch: one entry each; the editor options and the dispatch come from this list. */
import type { NodeOperation } from '../../shared/n8n/operations.ts';
import { checkUrlOperation } from './check-url.operation.ts';
import { focusOperation } from './focus.operation.ts';
import { githubCommitsOperation } from './github-commits.operation.ts';
import { prometheusOperation } from './prometheus.operation.ts';
import { urlsOperation } from './urls.operation.ts';

export const OPERATIONS: readonly NodeOperation[] = [urlsOperation, focusOperation, prometheusOperation, githubCommitsOperation, checkUrlOperation];
