/**
 * Picks a share of a sequence evenly and deterministically: after n calls, exactly floor(n * share)
 * returned true (e.g. 0.25 picks the 4th, 8th, 12th, ...). Tests can then assert exact counts, which a
 * random draw would not allow.
 */
export class ShareSelector {
  private calls = 0;

  constructor(private readonly share: number) {}

  next(): boolean {
    if (this.share <= 0) return false;
    this.calls++;
    // The epsilon absorbs float error such as 0.29 * 100 = 28.999999999999996.
    return Math.floor(this.calls * this.share + 1e-9) > Math.floor((this.calls - 1) * this.share + 1e-9);
  }
}
