/**
 * FinOps FOCUS billing data, aggregated in code before any model sees it. The export is read
 * once (CSV, gzip CSV, Parquet, JSON rows; streamed), summed exactly per billing currency,
 * and every cost specialist reads its cloud's part of the same aggregate, so the numbers it
 * reasons about are exact and the prompt stays small whatever the export's size.
 *
 * - focus-reader.ts: formats and sources, one pass
 * - csv-bytes.ts, csv-cells.ts: CSV split and read as bytes (decoding only what is kept)
 * - focus-aggregator.ts: the per-row sums and rejected rows
 * - focus-summary.ts: the shared aggregate (totals, per cloud and currency summaries)
 * - focus-brief.ts: a specialist's brief and the coordinator's facts
 */
export { aggregateFocusFile, aggregateFocusRows, aggregateFocusStream, aggregateFocusText, type ReadOptions } from './focus-reader.ts';
export type { FocusOptions, RejectReason } from './focus-aggregator.ts';
export { FocusRejectedError, PROVIDERS, type CurrencyTotals, type FocusAggregate, type Period, type SpendSummary, type WeekOverWeek } from './focus-summary.ts';
export { billingBrief, billingFacts, readBillingInput, renderFocusBrief, type BillingFacts } from './focus-brief.ts';
export type { SavingsCandidate } from './savings-rules.ts';
