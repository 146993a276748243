/**
 * A copy of a string that no longer points into the text it was cut from. V8 keeps substrings
 * as views on their parent, so a resource id kept from a 1 MB chunk of CSV would keep the whole
 * chunk alive; everything the aggregation keeps past a row (map keys, names, cache entries)
 * goes through here so memory stays constant however long the export.
 */
export function detach(text: string): string {
	// Short strings are copied by V8 anyway; a concatenation is flattened into a new string.
	return text.length < 13 ? text : (' ' + text).slice(1);
}
