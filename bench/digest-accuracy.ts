/** Grouping accuracy of the log digest's template mining on LogHub-format datasets. */
import { mineLog, type MineOptions } from '../nodes/shared/digest/log-miner.ts';
import { groupingAccuracy } from './grouping-accuracy.ts';
import type { Dataset } from './loghub.ts';

/** Each line's template, through the same path as the digest (records, header, miner). */
export function lineTemplates(lines: readonly string[], options: MineOptions = {}): { perLine: number[]; templates: number } {
	const mined = mineLog(lines, options);
	const perLine = new Array<number>(mined.lines.length);
	for (let r = 0; r < mined.recordStart.length; r++) {
		for (let k = 0; k < mined.recordLines[r]; k++) perLine[mined.recordStart[r] + k] = mined.recordTemplate[r];
	}
	return { perLine, templates: mined.templates.length };
}

export function digestAccuracy(dataset: Dataset, options: MineOptions = {}): { ga: number; templates: number; truthTemplates: number } {
	const { perLine, templates } = lineTemplates(dataset.lines, options);
	if (perLine.length !== dataset.truth.length) throw new Error(`${dataset.name}: ${perLine.length} lines read, ${dataset.truth.length} in the ground truth`);
	return { ga: groupingAccuracy(perLine, dataset.truth), templates, truthTemplates: new Set(dataset.truth).size };
}
