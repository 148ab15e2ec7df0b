// Script-facing typings of `frameload/metrics`: custom metrics of k6's four kinds. Each class carries
// a private brand, so a Counter cannot be passed where a Trend is expected even though their public
// members match.

declare module 'frameload/metrics' {
  /** Tags of one sample, added to the VU's own (`scenario`, `group`, `stage`, options `tags`). */
  export type MetricTags = Record<string, string>;

  /**
   * A cumulative sum: the summary shows the total and the total per second.
   *
   * Create metrics in init code (at the top level of the script): as in k6, creating one later
   * throws. A name may be defined again with the same kind, and both objects then record into one
   * metric. Defining it with another kind throws.
   * @example
   * const batchesSent = new Counter('agent_batches_sent');
   * batchesSent.add(1, { agent: name });
   */
  export class Counter {
    #brand: 'counter';
    /**
     * @param name Metric name: 1 to 128 letters, digits or underscores, not starting with a digit.
     * @param isTime Whether values are times in milliseconds, shown as durations.
     * @default isTime false
     * @example new Counter('agent_events_sent')
     */
    constructor(name: string, isTime?: boolean);
    /** The metric's name. @example 'agent_events_sent' */
    readonly name: string;
    /**
     * Adds `value` to the sum.
     * @param value Amount to add, usually positive.
     * @param tags Extra tags for this sample.
     * @example eventsSent.add(100, { priority: '0' });
     */
    add(value: number, tags?: MetricTags): void;
  }

  /**
   * The latest value of something, with its minimum and maximum: the summary shows all three.
   * @example
   * const inFlight = new Gauge('agent_batches_in_flight');
   * inFlight.add(pending.size);
   */
  export class Gauge {
    #brand: 'gauge';
    /**
     * @param name Metric name: 1 to 128 letters, digits or underscores, not starting with a digit.
     * @param isTime Whether values are times in milliseconds, shown as durations.
     * @default isTime false
     * @example new Gauge('queue_depth')
     */
    constructor(name: string, isTime?: boolean);
    /** The metric's name. @example 'queue_depth' */
    readonly name: string;
    /**
     * Sets the current value.
     * @param value The new value.
     * @param tags Extra tags for this sample.
     * @example queueDepth.add(12);
     */
    add(value: number, tags?: MetricTags): void;
  }

  /**
   * The share of samples that are non-zero (or `true`): the summary shows it as a percentage with
   * the pass and fail counts. Thresholds use `rate`, from 0 to 1.
   * @example
   * const rejected = new Rate('agent_auth_rejected');
   * rejected.add(reply.status !== 'approved');
   */
  export class Rate {
    #brand: 'rate';
    /**
     * @param name Metric name: 1 to 128 letters, digits or underscores, not starting with a digit.
     * @example new Rate('agent_auth_rejected')
     */
    constructor(name: string);
    /** The metric's name. @example 'agent_auth_rejected' */
    readonly name: string;
    /**
     * Records one sample: `true` or a non-zero number passes, `false` or `0` fails.
     * @param value The outcome.
     * @param tags Extra tags for this sample.
     * @example timeouts.add(err?.code === 'timeout', { phase: 'confirm' });
     */
    add(value: boolean | number, tags?: MetricTags): void;
  }

  /**
   * A distribution: the summary shows the statistics in `summaryTrendStats` (avg, min, med, max,
   * p(90), p(95) by default). Memory per metric and tag set stays constant however many samples
   * arrive.
   * @example
   * const confirmTime = new Trend('agent_confirm_duration', true);
   * confirmTime.add(performance.now() - sentAt);
   */
  export class Trend {
    #brand: 'trend';
    /**
     * @param name Metric name: 1 to 128 letters, digits or underscores, not starting with a digit.
     * @param isTime Whether values are times in milliseconds, shown as durations.
     * @default isTime false
     * @example new Trend('agent_confirm_duration', true)
     */
    constructor(name: string, isTime?: boolean);
    /** The metric's name. @example 'agent_confirm_duration' */
    readonly name: string;
    /**
     * Records one sample.
     * @param value The sample; milliseconds when the Trend was created with `isTime`.
     * @param tags Extra tags for this sample.
     * @example confirmTime.add(12.5, { step: '3' });
     */
    add(value: number, tags?: MetricTags): void;
  }

  /**
   * The four classes as one object, for `import metrics from 'frameload/metrics'`.
   * @example import metrics from 'frameload/metrics'; const t = new metrics.Trend('t');
   */
  const metrics: {
    readonly Counter: typeof Counter;
    readonly Gauge: typeof Gauge;
    readonly Rate: typeof Rate;
    readonly Trend: typeof Trend;
  };
  export default metrics;
}
