/**
 * Distinct messages on their way to templates, in bounded memory. Messages are collected and
 * mined in batches: while the log is small (up to BATCH distinct messages, most logs
 * handed to a specialist) it is mined in one go. Beyond that, each new message is first matched
 * against the templates found so far; only those that match none are kept for the next batch.
 * Counts stay exact either way: every message id ends with a template.
 */
import { TemplateMiner, type Message, type MinerOptions } from './template-miner.ts';

export const BATCH = 20_000;

export class MessageBook {
	readonly miner: TemplateMiner;
	/** Per message id: its template (cluster id), or -1 while it waits in the batch. */
	private readonly cluster: number[] = [];
	private readonly weight: number[] = [];
	private pending: Message[] = [];
	private pendingIds: number[] = [];
	private pendingIndex = new Map<string, number>();
	private readonly batch: number;
	private readonly names?: () => ReadonlySet<string>;

	constructor(options: Partial<MinerOptions> = {}, batch = BATCH, names?: () => ReadonlySet<string>) {
		this.miner = new TemplateMiner(options);
		this.batch = batch;
		this.names = names;
	}

	/** An id for a message (masked tokens); equal messages in one batch share an id. */
	add(tokens: string[]): number {
		if (this.miner.clusters.length > 0) {
			const c = this.miner.match(tokens);
			if (c >= 0) {
				this.cluster.push(c);
				this.weight.push(0);
				return this.cluster.length - 1;
			}
		}
		const key = tokens.join(' ');
		const known = this.pendingIndex.get(key);
		if (known !== undefined) return this.pendingIds[known];
		const id = this.cluster.length;
		this.cluster.push(-1);
		this.weight.push(0);
		this.pendingIndex.set(key, this.pending.length);
		this.pending.push({ tokens, weight: 0 });
		this.pendingIds.push(id);
		if (this.pending.length >= this.batch) this.flush();
		return id;
	}

	/** One more record with this message. */
	count(id: number): void {
		this.weight[id]++;
	}

	/** Mines what waits in the batch; `names` are values seen varying elsewhere (headers). */
	flush(names?: ReadonlySet<string>): void {
		if (this.pending.length === 0) return;
		for (let k = 0; k < this.pending.length; k++) this.pending[k].weight = Math.max(1, this.weight[this.pendingIds[k]]);
		const assignment = this.miner.group(this.pending, names ?? this.names?.());
		for (let k = 0; k < assignment.length; k++) this.cluster[this.pendingIds[k]] = assignment[k];
		this.pending = [];
		this.pendingIds = [];
		this.pendingIndex = new Map();
	}

	/** The template of a message id (after `flush`). */
	clusterOf(id: number): number {
		return this.cluster[id];
	}

	template(cluster: number): string {
		return this.miner.template(this.miner.clusters[cluster]);
	}
}
