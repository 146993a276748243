import parsePrometheusTextFormat from 'parse-prometheus-text-format';

interface Family {
	name: string;
	type: string;
	metrics: Array<{ labels?: Record<string, string>; value?: string; buckets?: Record<string, string>; count?: string; sum?: string }>;
}

/** Parses an exposition with a Prometheus text-format parser, by metric name. */
export function parseExposition(text: string): Record<string, Family> {
	return Object.fromEntries((parsePrometheusTextFormat(text) as Family[]).map((f) => [f.name, f]));
}

/**
 * Observations in a histogram across all its series. The parser above folds labelled
 * histogram series together, so this reads the `<name>_count` samples of the exposition.
 */
export function histogramCount(text: string, name: string): number {
	const pattern = new RegExp(`^${name}_count(?:\\{[^}]*\\})? (\\S+)$`, 'gm');
	return [...text.matchAll(pattern)].reduce((n, m) => n + Number(m[1]), 0);
}

/** Sum of a counter's or gauge's samples whose labels match `where`. */
export function total(families: Record<string, Family>, name: string, where: Record<string, string> = {}): number {
	const family = families[name];
	if (!family) return 0;
	return family.metrics
		.filter((m) => Object.entries(where).every(([k, v]) => m.labels?.[k] === v))
		.reduce((n, m) => n + Number(m.value ?? m.count ?? 0), 0);
}
