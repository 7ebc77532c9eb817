import type { ApiTokenService } from './api-token-service';
import type { LoginService } from './login-service';
import type { LoginThrottle } from './login-throttle';
import type { SessionService } from './session-service';
import type { AuthConfig } from '../config';
import type { RecoveryCodes } from './recovery-codes';
import type { SecondFactorChallenges } from './second-factor-challenges';
import type { SetupService } from './setup-service';
import type { TotpService } from './totp-service';
import type { UserFactors } from './user-factors';
import type { UserService } from './user-service';

/** The auth plugin's services, wired once in `init` and handed to its routes, tools and CLI. */
export interface AuthServices {
  users: UserService;
  sessions: SessionService;
  tokens: ApiTokenService;
  login: LoginService;
  setup: SetupService;
  throttle: LoginThrottle;
  sessionTtlMs: number;
  /** TOTP enrolment, code checks, recovery codes, an admin's reset. */
  totp: TotpService;
  recoveryCodes: RecoveryCodes;
  /** Challenges between a right password and the second factor (passkeys finish them too). */
  challenges: SecondFactorChallenges;
  /** Which second factors users have; passkeys register their counter here. */
  factors: UserFactors;
  twoFactorPolicy: AuthConfig['twoFactorRequired'];
}
