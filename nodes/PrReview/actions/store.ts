/** The once-store the review's dedupe and per-PR state live in (the same choice on Screen and Record). */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { credentialSlot } from '../../shared/n8n/credential-slot.ts';
import { openStoreKind, REDIS_STORES, storeField } from '../../shared/n8n/store-fields.ts';
import type { OnceStore } from '../../shared/stores/once-store.ts';

export const reviewStoreField: INodeProperties = storeField({
	displayName: 'State Store',
	name: 'store',
	description: 'Where replays, reviewed commits and the last review of each pull request are kept; Redis for queue mode. Use the same store on Screen Delivery and Record Review.',
});

/** The store choice and, right under it, the Redis credential when Redis is chosen. */
export const reviewStoreFields: INodeProperties[] = [reviewStoreField, credentialSlot('redisCredential', { store: REDIS_STORES })];

export async function openReviewStore(ctx: IExecuteFunctions, itemIndex: number): Promise<OnceStore> {
	const { kind, access } = await openStoreKind(ctx, ctx.getNodeParameter('store', itemIndex, 'embedded') as string);
	return kind.once(access);
}
