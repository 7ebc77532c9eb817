/**
 * For panels' tests (plugins' `ui/test-fixtures.ts` re-export these): a signed-in session, answers
 * in turn, and markup to put where a name goes.
 */
import { createPinia, setActivePinia } from 'pinia';
import { useSession } from '../kit/session';
import type { User } from '../kit/types';
import { makeUser, type FakeReply } from './fake-fetch';

export const ADMIN: User = makeUser();

/** A fresh Pinia with `user` signed in (an admin unless told otherwise). */
export function signIn(user: User = ADMIN): void {
  setActivePinia(createPinia());
  useSession().setUser(user);
}

/** Markup where a name goes: must show as these characters, never become an element. */
export const HOSTILE = '<img src=x onerror=alert(1)>';

/** Answers in turn; the last one again after that. */
export function sequence(...replies: FakeReply[]): () => FakeReply {
  let next = 0;
  return () => replies[Math.min(next++, replies.length - 1)];
}
