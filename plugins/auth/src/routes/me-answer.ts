import type { PublicUser } from '../schemas';
import type { FactorsSummary } from '../services/user-factors';

/** What `GET /api/auth/me` answers: the user's public record with their second factors. */
export type MeAnswer = PublicUser & { factors: FactorsSummary };

/** The answer last made for each cached user record, with the factors it was made from. */
const answers = new WeakMap<PublicUser, { factors: FactorsSummary; answer: MeAnswer }>();

/**
 * `/me`'s answer, made once per pair of cached values it is made from.
 *
 * Why: both parts come from short-lived caches (UserService.get, UserFactors.recentSummary) that
 * hand out the same objects until something changes, and copying the record into a new object
 * on every request was measurable (a spread followed by a property defined after it runs through
 * a slow V8 runtime call; issue 19, bench/foundation.js). A changed user or changed factors are
 * new objects, so they make a new answer.
 */
export function meAnswer(user: PublicUser, factors: FactorsSummary): MeAnswer {
  const made = answers.get(user);
  if (made && made.factors === factors) return made.answer;
  const answer = { ...user, factors };
  answers.set(user, { factors, answer });
  return answer;
}
