import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { redisConnection, redisSettings } from './connection.ts';

/** The Redis credential's test, shared by every node that can use it: a PING. */
export async function testRedisCredential(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	try {
		await redisConnection(redisSettings(credential.data ?? {})).ping();
		return { status: 'OK', message: 'Connection successful' };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}
