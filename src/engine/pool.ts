import type { VU } from './vu.ts';

/** The initialised VUs of a run. Scenarios take the lowest-numbered free VUs, so a later scenario gets back the VUs (and module state) an earlier one used. */
export class VuPool {
  private readonly free: VU[];

  constructor(readonly all: readonly VU[]) {
    this.free = [...all];
  }

  get freeCount(): number {
    return this.free.length;
  }

  /** Takes up to `count` free VUs, lowest id first, skipping VUs whose interrupted iteration has not settled yet. */
  take(count: number): VU[] {
    this.free.sort((a, b) => a.idInTest - b.idInTest);
    const taken: VU[] = [];
    for (let i = 0; i < this.free.length && taken.length < count; ) {
      if (this.free[i]!.busy) i++;
      else taken.push(...this.free.splice(i, 1));
    }
    return taken;
  }

  takeOne(): VU | undefined {
    return this.take(1)[0];
  }

  release(vu: VU): void {
    this.free.push(vu);
  }
}
