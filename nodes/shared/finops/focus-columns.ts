/**
 * The FOCUS columns the aggregation reads, under every name FOCUS 1.0 to 1.3 gives them, and
 * the match of an export's header to them. Headers are matched without regard to case or
 * separators: Athena lower-cases names (`billedcost`), some tools write `billed_cost`.
 *
 * FOCUS 1.3 deprecates ProviderName and PublisherName for ServiceProviderName and adds
 * HostProviderName (https://focus.finops.org/focus-specification/v1-3/); exports in transition
 * carry both, so the newer name wins when both are present.
 */
import { ParameterError } from '../parameter-error.ts';

export const FIELDS = {
	provider: ['ServiceProviderName', 'ProviderName'],
	hostProvider: ['HostProviderName'],
	billedCost: ['BilledCost'],
	effectiveCost: ['EffectiveCost'],
	listCost: ['ListCost'],
	contractedCost: ['ContractedCost'],
	currency: ['BillingCurrency'],
	chargeCategory: ['ChargeCategory'],
	start: ['ChargePeriodStart'],
	service: ['ServiceName'],
	serviceCategory: ['ServiceCategory'],
	resourceId: ['ResourceId'],
	resourceType: ['ResourceType'],
	subAccount: ['SubAccountId'],
	pricingCategory: ['PricingCategory'],
	pricingUnit: ['PricingUnit'],
	commitmentDiscountId: ['CommitmentDiscountId'],
	description: ['ChargeDescription'],
} as const;

export type Field = keyof typeof FIELDS;
export const FIELD_NAMES = Object.keys(FIELDS) as Field[];

/** Columns without which spend cannot be attributed (BillingCurrency can be given instead). */
const REQUIRED: Field[] = ['provider', 'billedCost', 'start'];

/** Column names that first appeared in a FOCUS version, newest first (for the report only). */
const VERSION_MARKERS: Array<[string, string[]]> = [
	['1.3', ['ServiceProviderName', 'HostProviderName']],
	['1.2', ['InvoiceId', 'PricingCurrency', 'PricingCurrencyEffectiveCost']],
	['1.1', ['CapacityReservationId', 'ServiceSubcategory', 'SkuMeter', 'CommitmentDiscountQuantity']],
	['1.0', ['ProviderName', 'BilledCost']],
];

export const normaliseHeader = (name: string): string => name.replace(/^\uFEFF/, '').replace(/[\s_\-"']/g, '').toLowerCase();

/** Where each field sits in a row: its position in the header, or -1 when absent. */
export type ColumnMap = Record<Field, number>;

export interface HeaderMatch {
	columns: ColumnMap;
	/** The header name each field was read from. */
	names: Partial<Record<Field, string>>;
	/** The newest FOCUS version whose column names the header uses. */
	focusVersion: string | null;
}

export function matchHeader(header: readonly string[], options: { currencyGiven: boolean }): HeaderMatch {
	const index = new Map<string, number>();
	header.forEach((name, i) => {
		const key = normaliseHeader(name);
		if (!index.has(key)) index.set(key, i);
	});
	const columns = {} as ColumnMap;
	const names: HeaderMatch['names'] = {};
	for (const field of FIELD_NAMES) {
		const found = FIELDS[field].map((n) => index.get(n.toLowerCase())).find((i) => i !== undefined);
		columns[field] = found ?? -1;
		if (found !== undefined) names[field] = header[found];
	}
	const missing = REQUIRED.filter((f) => columns[f] < 0);
	if (columns.currency < 0 && !options.currencyGiven) missing.push('currency');
	if (missing.length > 0) {
		const wanted = missing.map((f) => FIELDS[f].join(' or '));
		const seen = header.slice(0, 12).map((h) => h.replace(/^\uFEFF/, '')).join(', ');
		throw new ParameterError(
			`The billing data is not a FOCUS export: column${missing.length > 1 ? 's' : ''} ${wanted.join(', ')} missing ` +
				`(found ${header.length} columns: ${seen}${header.length > 12 ? ', …' : ''}). ` +
				'Fix: export FOCUS 1.0-1.3 data (AWS Data Exports "FOCUS", GCP FOCUS BigQuery export, Azure Cost Management "FOCUS cost"), ' +
				(missing.includes('currency') && missing.length === 1 ? 'or set "Default Currency" for exports without BillingCurrency' : 'or rename the columns'),
		);
	}
	const present = new Set(index.keys());
	const focusVersion = VERSION_MARKERS.find(([, marks]) => marks.some((m) => present.has(m.toLowerCase())))?.[0] ?? null;
	return { columns, names, focusVersion };
}
