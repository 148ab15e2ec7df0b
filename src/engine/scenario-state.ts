import type { Tags } from '../metrics/types.ts';
import type { ScenarioConfig } from './options.ts';
import { scenarioDurationMs } from './plan.ts';

/** The live state of one running scenario, shared by its VUs and read by `frameload/execution`. */
export class ScenarioState {
  /** Clock time at which the executor started, in milliseconds; set when it starts. */
  startedAtMs = 0;
  /** Index of the active ramping stage; undefined for executors without stages. */
  stage: number | undefined;
  /** Iterations started so far across all VUs of this scenario. */
  iterationsStarted = 0;
  iterationsCompleted = 0;
  iterationsInterrupted = 0;
  droppedIterations = 0;
  /** VUs the executor holds right now (k6's active VUs), whether or not they are mid-iteration. */
  activeVUs = 0;
  /** Set once the executor has ended, graceful stop included. */
  finished = false;
  /** Whether iterations start on an arrival-rate timeline (and so can start late). */
  readonly arrivalRate: boolean;
  readonly durationMs: number;
  /** Base sample tags: the run's tags, the scenario's tags and `scenario`. */
  readonly baseTags: Tags;

  constructor(
    readonly config: ScenarioConfig,
    runTags: Tags,
  ) {
    this.durationMs = scenarioDurationMs(config);
    this.arrivalRate = config.executor === 'constant-arrival-rate' || config.executor === 'ramping-arrival-rate';
    this.stage = 'stages' in config ? 0 : undefined;
    this.baseTags = Object.freeze({ ...runTags, ...config.tags, scenario: config.name });
  }

  private stageTags: Tags | undefined;
  private stageTagsFor: number | undefined;

  /** Tags for samples the scenario itself records (dropped_iterations): base tags plus `stage`. */
  sampleTags(): Tags {
    if (this.stage === undefined) return this.baseTags;
    if (this.stageTags === undefined || this.stageTagsFor !== this.stage) {
      this.stageTags = Object.freeze({ ...this.baseTags, stage: String(this.stage) });
      this.stageTagsFor = this.stage;
    }
    return this.stageTags;
  }

  get name(): string {
    return this.config.name;
  }

  /** Share of the scenario's duration that has passed, 0 to 1. */
  progress(nowMs: number): number {
    if (this.startedAtMs === 0 || this.durationMs <= 0) return 0;
    return Math.min(1, Math.max(0, (nowMs - this.startedAtMs) / this.durationMs));
  }
}
