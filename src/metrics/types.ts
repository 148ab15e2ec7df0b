/** The four metric kinds of k6's model. */
export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

/** What a metric's values measure; `time` values are milliseconds and `data` values are bytes. */
export type ValueType = 'default' | 'time' | 'data';

/** A sample's tag set. Values are strings, as in k6. */
export type Tags = Readonly<Record<string, string>>;

/** The statistics a summary shows for a Trend, in k6's spelling: avg, min, med, max, p(N), count. */
export type TrendStat = string;

export const DEFAULT_TREND_STATS: readonly TrendStat[] = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

/** Values of one aggregate as the summary data shows them (k6 v1 shape). */
export type MetricValues = Record<string, number>;
