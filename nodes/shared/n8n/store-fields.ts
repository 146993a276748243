/**
 * Editor field and opener for shared-state stores (budget ledger, once-store), built from the
 * one store list. The Redis credential is read only when the Redis store is chosen.
 */
import type { IExecuteFunctions, INodeCredentialDescription, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { ParameterError } from '../parameter-error.ts';
import { redisConnection, redisSettings } from '../redis/connection.ts';
import { STORE_KINDS, storeKind, type RedisAccess, type StoreKind } from '../stores/store-kinds.ts';

export function storeOptions(): INodePropertyOptions[] {
	return STORE_KINDS.map(({ name, value, description }) => ({ name, value, description }));
}

/** The store values that need a Redis connection. */
export const REDIS_STORES: string[] = STORE_KINDS.filter((kind) => kind.needsRedis).map((kind) => kind.value);

/** The Redis credential, asked for when the store field `field` names a Redis store. */
export function redisCredential(field: string, alsoWhen: Record<string, string[]> = {}): INodeCredentialDescription {
	return { name: 'agentSwarmRedisApi', required: true, displayOptions: { show: { ...alsoWhen, [field]: REDIS_STORES } }, testedBy: 'agentSwarmRedisTest' };
}

export function storeField(overrides: Partial<INodeProperties> & Pick<INodeProperties, 'name'>): INodeProperties {
	return {
		displayName: 'Store',
		type: 'options',
		default: STORE_KINDS[0].value,
		options: storeOptions(),
		...overrides,
	} as INodeProperties;
}

/** The chosen store kind and, when it needs one, its Redis connection. */
export async function openStoreKind(ctx: IExecuteFunctions, value: string): Promise<{ kind: StoreKind; access?: RedisAccess }> {
	const kind = storeKind(value);
	if (!kind) {
		throw new ParameterError(`Store: unknown store "${value}". Fix: choose one of ${STORE_KINDS.map((k) => k.value).join(', ')}`);
	}
	if (!kind.needsRedis) return { kind };
	const settings = redisSettings(await ctx.getCredentials('agentSwarmRedisApi'));
	return { kind, access: { redis: redisConnection(settings), keyPrefix: settings.keyPrefix } };
}
