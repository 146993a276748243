/** Grouping accuracy of the template miner on LogHub-format datasets. */
import { TemplateMiner } from '../nodes/shared/digest/template-miner.ts';
import { groupingAccuracy } from './grouping-accuracy.ts';
import type { Dataset } from './loghub.ts';

export function digestAccuracy(dataset: Dataset): { ga: number; templates: number; truthTemplates: number } {
	const miner = new TemplateMiner().learn(dataset.lines);
	const predicted = dataset.lines.map((line) => miner.add(line).cluster.id);
	return {
		ga: groupingAccuracy(predicted, dataset.truth),
		templates: miner.clusters.length,
		truthTemplates: new Set(dataset.truth).size,
	};
}
