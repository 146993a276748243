import { z } from 'zod/v4';

export const severity = z.enum(['critical', 'high', 'medium', 'low', 'info']).describe('Impact if left alone');
export const confidence = z.number().int().min(0).max(100).describe('Confidence 0-100 in this conclusion');

/** Every specialist's reply starts with these, so a coordinator can weigh any of them. */
export const baseFindings = {
	summary: z.string().describe('Two or three sentences a responder can act on'),
	severity,
	confidence,
};
