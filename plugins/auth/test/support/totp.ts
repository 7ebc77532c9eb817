import { generate } from 'otplib';
import type { TestKernel } from '@tomo/kernel/testing';

const PERIOD = 30;
/** The last step each secret's code was taken for: Tomo refuses a step once used, so tests never reuse one. */
const lastStep = new Map<string, number>();

/**
 * A code Tomo will accept now for `secret`, as an authenticator app would show it: the current
 * step's code, or the next step's (within Tomo's one-step tolerance) when the current one was
 * already used by this test file; waits for the clock only when both were.
 */
export async function freshCode(secret: string): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / 1000);
    const step = Math.floor(now / PERIOD);
    const used = lastStep.get(secret) ?? -1;
    // The next step only while well inside the current one, so it is still within tolerance when it arrives.
    const candidates = now % PERIOD < PERIOD - 5 ? [step, step + 1] : [step];
    const pick = candidates.find((s) => s > used);
    if (pick !== undefined) {
      lastStep.set(secret, pick);
      return generate({ secret, epoch: pick * PERIOD });
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** A code for a step this test already used (to prove it is refused). */
export function usedCode(secret: string): Promise<string> {
  const step = lastStep.get(secret);
  if (step === undefined) throw new Error('no code was used for this secret yet');
  return generate({ secret, epoch: step * PERIOD });
}

/** Turns TOTP on for the user of `token` through the API; returns the secret and the recovery codes. */
export async function enrolTotp(t: TestKernel, token: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const start = await t.request('POST', '/api/auth/2fa/totp', { token });
  if (start.status !== 200) throw new Error(`enrolment start: ${start.status} ${JSON.stringify(start.body)}`);
  const secret = start.body.secret as string;
  const confirm = await t.request('POST', '/api/auth/2fa/totp/confirm', { token, body: { code: await freshCode(secret) } });
  if (confirm.status !== 200) throw new Error(`enrolment confirm: ${confirm.status} ${JSON.stringify(confirm.body)}`);
  return { secret, recoveryCodes: confirm.body.recoveryCodes as string[] };
}

/** A 6-digit code that is not valid for `secret` around now (not the previous, current or next step's). */
export async function wrongCode(secret: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const valid = await Promise.all([-PERIOD, 0, PERIOD, 2 * PERIOD].map((d) => generate({ secret, epoch: now + d })));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.includes(candidate)) return candidate;
  }
}
