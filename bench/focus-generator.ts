/**
 * Seeded FOCUS exports for the benchmark and the tests: full-width rows (the 44 columns of
 * FOCUS 1.0, about 750 bytes a row like the FinOps Foundation's sample), several providers,
 * currencies and charge categories, amounts with up to 10 decimals, quoted descriptions and
 * JSON tags. The same seed gives the same file, so a benchmark can be repeated; different
 * seeds and options vary what the tests read on purpose.
 *
 *   node bench/focus-generator.ts --rows 1000000 --out /tmp/focus.csv [--gzip] [--seed 7]
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';

export const FOCUS_10_COLUMNS = [
	'AvailabilityZone', 'BilledCost', 'BillingAccountId', 'BillingAccountName', 'BillingCurrency', 'BillingPeriodEnd', 'BillingPeriodStart',
	'ChargeCategory', 'ChargeClass', 'ChargeDescription', 'ChargeFrequency', 'ChargePeriodEnd', 'ChargePeriodStart', 'CommitmentDiscountCategory',
	'CommitmentDiscountId', 'CommitmentDiscountName', 'CommitmentDiscountStatus', 'CommitmentDiscountType', 'ConsumedQuantity', 'ConsumedUnit',
	'ContractedCost', 'ContractedUnitPrice', 'EffectiveCost', 'InvoiceIssuerName', 'ListCost', 'ListUnitPrice', 'PricingCategory', 'PricingQuantity',
	'PricingUnit', 'ProviderName', 'PublisherName', 'RegionId', 'RegionName', 'ResourceId', 'ResourceName', 'ResourceType', 'ServiceCategory',
	'ServiceName', 'SkuId', 'SkuPriceId', 'SubAccountId', 'SubAccountName', 'Tags', 'x_SourceRow',
];

export type TimestampStyle = 'iso' | 'iso-ms' | 'space' | 'utc' | 'date' | 'epoch-s' | 'epoch-ms';

export interface GeneratorOptions {
	rows: number;
	seed?: number;
	/** Distinct resources per provider (memory of the aggregation grows with these, not rows). */
	resourcesPerProvider?: number;
	/** Share of Microsoft rows billed in EUR (a second billing account). */
	eurShare?: number;
	timestamps?: TimestampStyle;
	/** FOCUS 1.3 names (ServiceProviderName, HostProviderName) instead of ProviderName, PublisherName. */
	focus13?: boolean;
	/** Header names lower-cased, as Athena shows them. */
	lowerCaseHeader?: boolean;
	/** Every n-th row gets an unreadable value (cycling through the kinds of damage). */
	badEvery?: number;
	/** First day of the month covered (UTC). */
	month?: { year: number; month: number };
}

/** mulberry32: a small seeded generator, good enough to vary test data reproducibly. */
export function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface Provider {
	name: string;
	publisher: string;
	weight: number;
	services: Array<{ name: string; category: string; type: string; unit: string; prefix: string }>;
	regions: string[];
}

const PROVIDERS: Provider[] = [
	{
		name: 'AWS',
		publisher: 'Amazon Web Services, Inc.',
		weight: 0.55,
		regions: ['us-east-1', 'us-west-2', 'eu-west-1'],
		services: [
			{ name: 'Amazon Elastic Compute Cloud', category: 'Compute', type: 'instance', unit: 'Hours', prefix: 'i-' },
			{ name: 'Amazon Elastic Compute Cloud', category: 'Storage', type: 'volume', unit: 'GB-Mo', prefix: 'vol-' },
			{ name: 'Amazon Simple Storage Service', category: 'Storage', type: 'bucket', unit: 'Requests', prefix: 'arn:aws:s3:::bucket-' },
			{ name: 'Amazon Relational Database Service', category: 'Databases', type: 'db', unit: 'Hours', prefix: 'arn:aws:rds:db:' },
			{ name: 'Elastic Load Balancing', category: 'Networking', type: '', unit: 'LCU-Hours', prefix: 'arn:aws:elasticloadbalancing:lb/' },
			{ name: 'Amazon Virtual Private Cloud', category: 'Networking', type: 'nat', unit: 'Hours', prefix: 'nat-' },
		],
	},
	{
		name: 'Microsoft',
		publisher: 'Microsoft',
		weight: 0.2,
		regions: ['westeurope', 'eastus'],
		services: [
			{ name: 'Virtual Machines', category: 'Compute', type: 'Virtual machine', unit: '1 Hour', prefix: '/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm' },
			{ name: 'Storage', category: 'Storage', type: 'Disk', unit: '1 GB/Month', prefix: '/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/disks/disk' },
			{ name: 'Azure SQL Database', category: 'Databases', type: 'SQL database', unit: '1 Hour', prefix: '/subscriptions/s1/resourcegroups/rg/providers/microsoft.sql/servers/sql/databases/db' },
		],
	},
	{
		name: 'Google Cloud',
		publisher: 'Google Cloud',
		weight: 0.2,
		regions: ['us-central1', 'europe-west1'],
		services: [
			{ name: 'Compute Engine', category: 'Compute', type: 'Instance', unit: 'hour', prefix: '//compute.googleapis.com/projects/p/zones/z/instances/gce-' },
			{ name: 'Cloud Storage', category: 'Storage', type: 'Bucket', unit: 'gibibyte month', prefix: '//storage.googleapis.com/projects/_/buckets/gcs-' },
			{ name: 'BigQuery', category: 'Analytics', type: 'Dataset', unit: 'tebibyte', prefix: '//bigquery.googleapis.com/projects/p/datasets/ds' },
		],
	},
	{
		name: 'Oracle',
		publisher: 'Oracle',
		weight: 0.05,
		regions: ['us-ashburn-1'],
		services: [{ name: 'Compute', category: 'Compute', type: 'instance', unit: 'OCPU Per Hour', prefix: 'ocid1.instance.oc1.iad.' }],
	},
];

const CATEGORIES: Array<[string, number]> = [
	['Usage', 0.94],
	['Purchase', 0.02],
	['Tax', 0.02],
	['Credit', 0.01],
	['Adjustment', 0.01],
];

const csvField = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

function formatTime(ms: number, style: TimestampStyle): string {
	const iso = new Date(ms).toISOString();
	switch (style) {
		case 'iso':
			return `${iso.slice(0, 19)}Z`;
		case 'iso-ms':
			return iso;
		case 'space':
			return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
		case 'utc':
			return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
		case 'date':
			return iso.slice(0, 10);
		case 'epoch-s':
			return String(ms / 1000);
		case 'epoch-ms':
			return String(ms);
	}
}

/** A decimal with `places` digits after the point, exactly as written (no float noise). */
function decimal(rng: () => number, max: number, places: number): string {
	const units = Math.floor(rng() * max * 10 ** places);
	const s = String(units).padStart(places + 1, '0');
	return places ? `${s.slice(0, -places)}.${s.slice(-places)}` : s;
}

const negate = (s: string) => (s.startsWith('-') || /^0(\.0*)?$/.test(s) ? s : `-${s}`);

export function header(options: Pick<GeneratorOptions, 'focus13' | 'lowerCaseHeader'> = {}): string[] {
	let names = FOCUS_10_COLUMNS;
	if (options.focus13) names = names.map((n) => (n === 'ProviderName' ? 'ServiceProviderName' : n === 'PublisherName' ? 'HostProviderName' : n));
	return options.lowerCaseHeader ? names.map((n) => n.toLowerCase()) : names;
}

/** The rows as arrays of field texts, in header order. */
export function* generateFocusRows(options: GeneratorOptions): Generator<string[]> {
	const rng = random(options.seed ?? 1);
	const pool = options.resourcesPerProvider ?? 2000;
	const style = options.timestamps ?? 'iso';
	const { year, month } = options.month ?? { year: 2024, month: 9 };
	const periodStart = Date.UTC(year, month - 1, 1);
	const periodEnd = Date.UTC(year, month, 1);
	const hours = (periodEnd - periodStart) / 3_600_000;
	const weighted = <T>(list: Array<[T, number]>) => {
		let x = rng();
		for (const [v, w] of list) if ((x -= w) < 0) return v;
		return list[list.length - 1][0];
	};
	const providers = PROVIDERS.map((p) => [p, p.weight] as [Provider, number]);
	for (let i = 0; i < options.rows; i++) {
		const p = weighted(providers);
		const r = Math.floor(rng() * pool);
		const svc = p.services[r % p.services.length];
		const region = p.regions[r % p.regions.length];
		const eur = p.name === 'Microsoft' && (r % 100) / 100 < (options.eurShare ?? 0);
		const category = weighted(CATEGORIES);
		const hour = Math.floor(rng() * hours);
		const start = periodStart + hour * 3_600_000;
		const places = 2 + Math.floor(rng() * 9);
		let billed = decimal(rng, category === 'Purchase' ? 500 : 3, places);
		if (category === 'Credit') billed = negate(billed);
		const effective = category === 'Purchase' ? '0' : category === 'Credit' ? billed : decimal(rng, 3, places);
		const list = decimal(rng, 4, places);
		const committed = r % 7 === 0 && svc.category === 'Compute';
		const resourceId = category === 'Tax' ? '' : `${svc.prefix}${r.toString(16).padStart(8, '0')}`;
		const account = `${p.name.slice(0, 3).toUpperCase()}-${(r % 13).toString().padStart(4, '0')}`;
		const quantity = decimal(rng, 24, 4);
		const tags = JSON.stringify({ application: `app-${r % 17}`, environment: r % 3 ? 'prod' : 'dev', business_unit: `bu-${r % 5}`, cost_center: `cc-${1000 + (r % 40)}`, owner: `team-${r % 9}@example.com` });
		const row = [
			`${region}a`,
			billed,
			eur ? 'EA-000002' : `${p.name.toUpperCase().replace(/\s/g, '')}-000001`,
			eur ? 'Contoso EU' : 'Contoso',
			eur ? 'EUR' : 'USD',
			formatTime(periodEnd, style),
			formatTime(periodStart, style),
			category,
			'',
			`$${(rng() * 0.5).toFixed(4)} per ${svc.unit} for ${svc.name} in ${region} (${category}, ${committed ? 'covered by a savings plan' : 'on demand'})`,
			category === 'Purchase' ? 'One-Time' : 'Usage-Based',
			formatTime(start + 3_600_000, style),
			formatTime(start, style),
			committed ? 'Spend' : '',
			committed ? `commitment-${r % 3}` : '',
			committed ? 'Savings Plan' : '',
			committed ? 'Used' : '',
			committed ? 'ComputeSavingsPlans' : '',
			quantity,
			svc.unit,
			effective,
			decimal(rng, 1, 6),
			effective,
			p.publisher,
			list,
			decimal(rng, 1, 6),
			committed ? 'Committed' : 'Standard',
			quantity,
			svc.unit,
			p.name,
			p.publisher,
			region,
			region.toUpperCase(),
			resourceId,
			resourceId ? `${(svc.type || 'resource').replace(/\s/g, '-')}-${region}-${r.toString(16).padStart(6, '0')}` : '',
			svc.type,
			svc.category,
			svc.name,
			`SKU${(r % 997).toString(36).toUpperCase().padStart(6, '0')}`,
			`SKU${(r % 997).toString(36).toUpperCase().padStart(6, '0')}.PRICE`,
			account,
			`Account ${r % 13}`,
			tags,
			String(i + 1),
		];
		if (options.badEvery && (i + 1) % options.badEvery === 0) damage(row, Math.floor((i + 1) / options.badEvery));
		yield row;
	}
}

/** The kinds of damage real files show, in turn: each must be rejected by name, never read as 0. */
export const DAMAGE = ['BilledCost not a number', 'ChargePeriodStart not a date', 'BillingCurrency missing', 'BilledCost missing', 'EffectiveCost not a number'];

function damage(row: string[], n: number): void {
	const col = (name: string) => FOCUS_10_COLUMNS.indexOf(name);
	switch (n % DAMAGE.length) {
		case 0:
			row[col('BilledCost')] = '1,234.50';
			break;
		case 1:
			row[col('ChargePeriodStart')] = '31/09/2024 10:00';
			break;
		case 2:
			row[col('BillingCurrency')] = '';
			break;
		case 3:
			row[col('BilledCost')] = '';
			break;
		case 4:
			row[col('EffectiveCost')] = 'n/a';
			break;
	}
}

export function* generateFocusCsv(options: GeneratorOptions): Generator<string> {
	yield `${header(options).map(csvField).join(',')}\n`;
	let batch: string[] = [];
	for (const row of generateFocusRows(options)) {
		batch.push(row.map(csvField).join(','));
		if (batch.length === 2000) {
			yield `${batch.join('\n')}\n`;
			batch = [];
		}
	}
	if (batch.length) yield `${batch.join('\n')}\n`;
}

/** Writes a generated export to a file (gzip when asked); resolves with its size in bytes. */
export async function writeFocusCsv(path: string, options: GeneratorOptions & { gzip?: boolean }): Promise<number> {
	const file = createWriteStream(path);
	const sink = options.gzip ? createGzip({ level: 6 }) : null;
	if (sink) sink.pipe(file);
	const out = sink ?? file;
	for (const chunk of generateFocusCsv(options)) {
		if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
	}
	await new Promise<void>((resolve, reject) => {
		file.once('finish', () => resolve());
		file.once('error', reject);
		out.end();
	});
	return file.bytesWritten;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { values } = parseArgs({
		options: { rows: { type: 'string', default: '1000' }, out: { type: 'string' }, gzip: { type: 'boolean', default: false }, seed: { type: 'string', default: '1' } },
	});
	if (!values.out) throw new Error('--out <file> is required');
	const bytes = await writeFocusCsv(values.out, { rows: Number(values.rows), seed: Number(values.seed), gzip: values.gzip });
	console.log(`${values.out}: ${values.rows} rows, ${bytes} bytes`);
}
