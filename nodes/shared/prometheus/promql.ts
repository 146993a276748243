/**
 * PromQL text helpers for live evidence: fill a query template from the incident's labels, and
 * read an alert expression without its threshold (so `x > 0.05` gives x's series, before and
 * after the incident, instead of only the samples above the line).
 */

/** `$service`, `$job`, `${instance}` ... from the incident's labels; null when one is missing. */
export function fillTemplate(template: string, values: Record<string, string | null | undefined>): { query: string } | { missing: string } {
	let missing: string | undefined;
	const query = template.replace(/\$\{?([a-zA-Z_][a-zA-Z0-9_]*)\}?/g, (match, name: string) => {
		const value = values[name];
		if (value === undefined || value === null || value === '') {
			missing ??= name;
			return match;
		}
		// Inside a PromQL string: escape backslashes and double quotes.
		return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
	});
	return missing ? { missing } : { query };
}

const COMPARISON = /^(.*?)\s*(>=|<=|==|!=|>|<)\s*(?:bool\s+)?(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/s;

/** An alert expression split at a top-level comparison with a number: `rate(x[5m]) > 0.05`. */
export function splitThreshold(expr: string): { series: string; threshold: string | null } {
	const match = COMPARISON.exec(expr.trim());
	if (!match || !balanced(match[1])) return { series: expr.trim(), threshold: null };
	return { series: match[1].trim(), threshold: `${match[2]} ${match[3]}` };
}

/** Parentheses and brackets balance and no string is left open: the split was at top level. */
function balanced(text: string): boolean {
	let depth = 0;
	let quote: string | null = null;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quote) {
			if (c === '\\') i++;
			else if (c === quote) quote = null;
		} else if (c === '"' || c === "'" || c === '`') quote = c;
		else if (c === '(' || c === '[' || c === '{') depth++;
		else if (c === ')' || c === ']' || c === '}') depth--;
		if (depth < 0) return false;
	}
	return depth === 0 && quote === null;
}
