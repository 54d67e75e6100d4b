// Break-even traffic between two monthly cost curves: every point where their order changes, found
// exactly between the pieces (the root of the difference of two lines, or a node step that jumps
// over the other curve), not read off a grid.
import type { CurvePiece } from './curve.js';

export interface Crossing {
  /** Requests a month at which the cheaper of the two changes. */
  requests: number;
  /** continuous: the curves meet here; step: one of them jumps over the other (a node step). */
  kind: 'continuous' | 'step';
  /** Monthly costs just past the crossing. */
  costA: number;
  costB: number;
  /** Where the curves meet on a chart: their common cost, or at a step the cost of the curve
   *  that does not step there. */
  usd: number;
  cheaperBelow: 'a' | 'b';
  cheaperAbove: 'a' | 'b';
}

interface Line {
  intercept: number;
  slope: number;
}

interface Segment {
  from: number;
  to: number;
  a: Line;
  b: Line;
  /** The segment starts at a root of a - b inside a piece (not at a piece boundary). */
  startsAtRoot: boolean;
}

const value = (l: Line, x: number) => l.intercept + l.slope * x;

/** Crossings of curves a and b for requests in (lo, hi], in order. */
export function crossingsBetween(a: CurvePiece[], b: CurvePiece[], lo: number, hi: number): Crossing[] {
  const end = Math.min(hi, a.at(-1)?.to ?? 0, b.at(-1)?.to ?? 0);
  if (!(end > lo)) return [];
  const edges = [...new Set([lo, end, ...[...a, ...b].flatMap((p) => [p.from, p.to]).filter((x) => x > lo && x < end)])].sort((x, y) => x - y);
  const crossings: Crossing[] = [];
  let last: { sign: number; segment: Segment } | null = null;
  let tieStart: number | null = null;
  for (const segment of segments(a, b, edges)) {
    const mid = (segment.from + segment.to) / 2;
    const va = value(segment.a, mid);
    const vb = value(segment.b, mid);
    const tolerance = 1e-9 * Math.max(Math.abs(va), Math.abs(vb), 1e-12);
    const sign = Math.abs(va - vb) <= tolerance ? 0 : va < vb ? -1 : 1;
    if (sign === 0) {
      tieStart ??= segment.from;
      continue;
    }
    if (last && sign !== last.sign) {
      const at = tieStart ?? segment.from;
      const stepped = tieStart === null && !segment.startsAtRoot && jumps(last.segment, segment, at);
      const costA = value(segment.a, at);
      const costB = value(segment.b, at);
      const aSteps = Math.abs(value(last.segment.a, at) - costA) > Math.abs(value(last.segment.b, at) - costB);
      crossings.push({
        requests: at,
        kind: stepped ? 'step' : 'continuous',
        costA,
        costB,
        usd: stepped && aSteps ? costB : costA,
        cheaperBelow: last.sign < 0 ? 'a' : 'b',
        cheaperAbove: sign < 0 ? 'a' : 'b',
      });
    }
    tieStart = null;
    last = { sign, segment };
  }
  return crossings;
}

/** The difference a - b changes sign across `x` without passing through zero there. */
function jumps(before: Segment, after: Segment, x: number): boolean {
  const left = value(before.a, x) - value(before.b, x);
  const right = value(after.a, x) - value(after.b, x);
  const tolerance = 1e-9 * Math.max(Math.abs(value(after.a, x)), Math.abs(value(after.b, x)), 1e-12);
  return Math.abs(left) > tolerance && Math.abs(right) > tolerance && Math.sign(left) !== Math.sign(right);
}

/** The intervals between consecutive edges, each split at the root of a - b when it falls inside. */
function* segments(a: CurvePiece[], b: CurvePiece[], edges: number[]): Generator<Segment> {
  let ia = 0;
  let ib = 0;
  for (let i = 0; i + 1 < edges.length; i++) {
    const from = edges[i]!;
    const to = edges[i + 1]!;
    const mid = (from + to) / 2;
    while (ia + 1 < a.length && a[ia]!.to < mid) ia++;
    while (ib + 1 < b.length && b[ib]!.to < mid) ib++;
    const la = a[ia]!;
    const lb = b[ib]!;
    const slope = la.slope - lb.slope;
    const root = slope !== 0 ? (lb.intercept - la.intercept) / slope : NaN;
    if (root > from && root < to) {
      yield { from, to: root, a: la, b: lb, startsAtRoot: false };
      yield { from: root, to, a: la, b: lb, startsAtRoot: true };
    } else {
      yield { from, to, a: la, b: lb, startsAtRoot: false };
    }
  }
}
