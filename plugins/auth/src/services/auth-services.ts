import type { ApiTokenService } from './api-token-service';
import type { LoginService } from './login-service';
import type { LoginThrottle } from './login-throttle';
import type { SessionService } from './session-service';
import type { SetupService } from './setup-service';
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
}
