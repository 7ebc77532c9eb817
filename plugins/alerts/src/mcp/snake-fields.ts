import { AppError } from '@tomo/kernel';

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Runs `fn`; an error naming a field (`forMinutes`) names it as the tool's argument (`for_minutes`). */
export async function withSnakeFields<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError && err.field) throw new AppError(err.status, err.code, err.message, snake(err.field));
    throw err;
  }
}
