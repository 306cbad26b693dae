// Chart decimation: keeps at most `max` points of a series while keeping its
// shape (per bucket the first, the minimum, the maximum and the last point),
// so a doubling step or a spike never disappears from a long run.

export interface Point {
  x: number;
  y: number;
}

export function decimate(points: readonly Point[], max: number): Point[] {
  if (max < 4) throw new RangeError('decimate: max must be at least 4');
  if (points.length <= max) return points.slice();
  const buckets = Math.floor(max / 4);
  const size = points.length / buckets;
  const out: Point[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(points.length, Math.floor((b + 1) * size));
    if (end <= start) continue;
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      if (points[i].y < points[lo].y) lo = i;
      if (points[i].y > points[hi].y) hi = i;
    }
    // Emit in x order, without duplicates.
    const picks = [...new Set([start, lo, hi, end - 1])].sort((a, b2) => a - b2);
    for (const i of picks) out.push(points[i]);
  }
  return out;
}
