/**
 * Grouping accuracy (Zhu et al., "Tools and Benchmarks for Automated Log Parsing", ICSE-SEIP
 * 2019): a line is correct when the set of lines in its predicted group equals the set of lines
 * that share its ground-truth event id.
 */
export function groupingAccuracy(predicted: ArrayLike<number | string>, truth: ArrayLike<string>): number {
	const truthSize = new Map<string, number>();
	for (let i = 0; i < truth.length; i++) truthSize.set(truth[i], (truthSize.get(truth[i]) ?? 0) + 1);
	const groups = new Map<number | string, { truth: string | null; size: number }>();
	for (let i = 0; i < predicted.length; i++) {
		const group = groups.get(predicted[i]);
		if (!group) groups.set(predicted[i], { truth: truth[i], size: 1 });
		else {
			group.size++;
			if (group.truth !== truth[i]) group.truth = null;
		}
	}
	let correct = 0;
	for (const group of groups.values()) {
		if (group.truth !== null && truthSize.get(group.truth) === group.size) correct += group.size;
	}
	return predicted.length === 0 ? 1 : correct / predicted.length;
}
