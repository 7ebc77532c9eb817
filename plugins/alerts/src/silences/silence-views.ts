import { z } from 'zod';
import type { SilenceEntity } from '../entities/silence.entity';

export const silenceViewSchema = z.object({
  id: z.string(),
  ruleId: z.string().nullable(),
  serverId: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  reason: z.string().nullable(),
  createdBy: z.string(),
  active: z.boolean().describe('Holding back notifications now (startsAt ≤ now < endsAt)'),
});
export type SilenceView = z.output<typeof silenceViewSchema>;

export function silenceView(s: SilenceEntity, now: Date): SilenceView {
  return {
    id: s.id,
    ruleId: s.ruleId,
    serverId: s.serverId,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    reason: s.reason,
    createdBy: s.createdBy,
    active: s.startsAt.getTime() <= now.getTime() && now.getTime() < s.endsAt.getTime(),
  };
}
