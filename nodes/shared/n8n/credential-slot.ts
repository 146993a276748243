import type { INodeProperties } from 'n8n-workflow';

/**
 * Where the editor draws the credential picker. Without this field n8n draws it just before the
 * last parameter any credential names in its displayOptions (ParameterInputList's
 * indexToShowSlotAt, n8n 2.40): for a node whose Redis credential depends on the store choice that
 * put the Claude credential in the middle of the form, and the Redis one above the very field that
 * asks for it. A field of type "credentials" pins the picker to its own place, as n8n's Notion node
 * does. It holds no value.
 */
export function credentialSlot(name = 'credentials', show?: Record<string, string[]>): INodeProperties {
	return { displayName: '', name, type: 'credentials', default: '', ...(show ? { displayOptions: { show } } : {}) };
}
