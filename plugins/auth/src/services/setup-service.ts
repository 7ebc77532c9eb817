import { randomInt, timingSafeEqual } from 'node:crypto';
import { AppError, conflict, type CallContext } from '@tomo/kernel';
import type { PublicUser } from '../schemas';
import type { NewUser } from '../users-api';
import type { UserService } from './user-service';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: easy to copy from a log

function newCode(): string {
  const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

const normalise = (code: string) => code.trim().toUpperCase().replace(/[\s-]/g, '');

/**
 * First run in the browser: while no admin exists, a one-time setup code is printed in Tomo's
 * log at start. Only someone who can read the log (the machine's admin) can create the first
 * admin through the page; after that the setup route answers 409.
 */
export class SetupService {
  private code?: string;

  constructor(private readonly users: UserService) {}

  /** Makes a new code when setup is still needed; returns it (for the log) or undefined. */
  async prepareCode(): Promise<string | undefined> {
    if (!(await this.users.needsSetup())) {
      this.code = undefined;
      return undefined;
    }
    this.code = newCode();
    return this.code;
  }

  async completeSetup(setupCode: string, admin: Omit<NewUser, 'role'>, call: CallContext): Promise<PublicUser> {
    if (!(await this.users.needsSetup())) throw conflict('Tomo is already set up; log in instead');
    const expected = Buffer.from(normalise(this.code ?? ''));
    const given = Buffer.from(normalise(setupCode));
    if (!this.code || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new AppError(401, 'invalid_setup_code', 'setupCode: does not match the code in Tomo\'s log', 'setupCode');
    }
    const user = await this.users.create({ ...admin, role: 'admin' }, call);
    this.code = undefined;
    return user;
  }
}
