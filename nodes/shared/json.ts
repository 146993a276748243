export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** JSON.parse as a result, so callers report bad JSON in their own words. */
export function parseJson(text: string): Parsed {
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch (error) {
		return { ok: false, error: (error as Error).message };
	}
}
