/**
 * The heart of a metric rule, pure and synchronous (it runs for every rule on every poll of every
 * server): a value past the threshold for `forMs` fires; once firing, only a value back past the
 * clear point (hysteresis) resolves, so a value hovering at the threshold neither flaps nor
 * re-fires. A value back under the threshold before `forMs` resets the wait.
 */
export interface MetricCondition {
  operator: '>' | '<';
  threshold: number;
  /** Where a firing alert resolves (the rule's clearThreshold, or threshold − 5 % of it). */
  clear: number;
  forMs: number;
}

/** What is remembered per rule and server between polls. */
export interface MetricTrack {
  /** Epoch ms of the first poll of the current run past the threshold; null when not past it. */
  breachSince: number | null;
  firing: boolean;
}

export type Transition = 'fire' | 'resolve' | null;

export const newTrack = (firing = false): MetricTrack => ({ breachSince: null, firing });

/** True when `value` is past the threshold (what fires, and what a preview shows). */
export function breaches(condition: Pick<MetricCondition, 'operator' | 'threshold'>, value: number): boolean {
  return condition.operator === '>' ? value > condition.threshold : value < condition.threshold;
}

/** Advances `track` by one reading; says whether the alert fires or resolves now. A missing value changes nothing. */
export function step(condition: MetricCondition, track: MetricTrack, value: number | null, nowMs: number): Transition {
  if (value === null) return null;
  if (track.firing) {
    const cleared = condition.operator === '>' ? value < condition.clear : value > condition.clear;
    if (!cleared) return null;
    track.firing = false;
    track.breachSince = null;
    return 'resolve';
  }
  if (!breaches(condition, value)) {
    track.breachSince = null;
    return null;
  }
  track.breachSince ??= nowMs;
  if (nowMs - track.breachSince < condition.forMs) return null;
  track.firing = true;
  return 'fire';
}
