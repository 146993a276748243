/**
 * Digest throughput in a process of its own, so its peak memory is its own:
 *   node bench/digest-throughput.ts <loghub dir | synthetic> <megabytes>
 * Builds the input by repeating the datasets' lines (the last number shifted on each pass, so
 * lines are not byte-identical while their timestamps stay valid) and prints one JSON line with
 * MB/s (wall and CPU time) and peak RSS.
 */
import { buildDigest } from '../nodes/shared/digest/log-digest.ts';
import { composedHeader, syntheticLog } from '../test/helpers/synthetic-logs.ts';
import { readDatasets } from './loghub.ts';

const [dir, megabytes = '100'] = process.argv.slice(2);
const target = Number(megabytes) * 1024 * 1024;
const parts: string[] = [];
let size = 0;
// "synthetic": seeded logs of our own templates in one composed format, one after another.
const format = composedHeader(1);
for (let seed = 1; dir === 'synthetic' && size < target; seed++) {
	const text = syntheticLog(format, seed, 20_000).text;
	parts.push(text);
	size += text.length + 1;
}
const source = dir === 'synthetic' ? [] : readDatasets(dir).flatMap((d) => d.lines);
if (dir !== 'synthetic' && source.length === 0) throw new Error(`${dir}: no LogHub datasets (<Name>_2k.log with its _structured.csv)`);
for (let pass = 0; size < target; pass++) {
	for (const line of source) {
		// The last number of the line (in its message, not its timestamp) changes on each pass.
		const shifted = pass === 0 ? line : line.replace(/\d+(?=\D*$)/, (n) => String(Number(n) + pass));
		parts.push(shifted);
		size += shifted.length + 1;
		if (size >= target) break;
	}
}
const text = parts.join('\n');
parts.length = 0;
const before = process.memoryUsage().rss;
const started = performance.now();
const cpu = process.cpuUsage();
const digest = buildDigest(text);
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
// CPU time of this process: on a shared machine, wall time also counts other people's work.
const cpuSeconds = (used.user + used.system) / 1e6;
const mb = Buffer.byteLength(text) / 1024 / 1024;
console.log(
	JSON.stringify({
		mb: Number(mb.toFixed(1)),
		lines: digest.lines,
		templates: digest.templates.length,
		seconds: Number(seconds.toFixed(2)),
		mbPerSecond: Number((mb / seconds).toFixed(1)),
		cpuSeconds: Number(cpuSeconds.toFixed(2)),
		mbPerCpuSecond: Number((mb / cpuSeconds).toFixed(1)),
		inputRssMb: Math.round(before / 1024 / 1024),
		peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
	}),
);
