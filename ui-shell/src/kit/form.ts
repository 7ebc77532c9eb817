import { reactive, ref, type Ref } from 'vue';
import { ApiError } from './api';

/** What {@link useFormErrors} returns. */
export interface FormErrors<K extends string> {
  /** The message shown under each field, or undefined. */
  errors: Partial<Record<K, string>>;
  /** A message for the whole form (shown above the buttons), or ''. */
  formError: Ref<string>;
  /** Clears every message. */
  clear(): void;
  /** Sets the field messages from a validation result; true when there is at least one. */
  setAll(found: Partial<Record<K, string | undefined>>): boolean;
  /**
   * Places a failed request's message: under the field the server named when the form has it,
   * otherwise at form level. Returns false for errors it does not handle (not an {@link ApiError},
   * or a 401, which ends the session): rethrow those.
   */
  fromError(err: unknown): boolean;
}

/**
 * Field and form error messages for one form, including the server's `field` errors.
 *
 * @example
 * const { errors, formError, fromError } = useFormErrors(['username', 'email'] as const);
 * try { await api.post(...) } catch (err) { if (!fromError(err)) throw err; }
 */
export function useFormErrors<K extends string>(fields: readonly K[]): FormErrors<K> {
  const errors = reactive({}) as Partial<Record<K, string>>;
  const formError = ref('');

  function clear(): void {
    for (const key of fields) delete errors[key];
    formError.value = '';
  }

  function setAll(found: Partial<Record<K, string | undefined>>): boolean {
    clear();
    let any = false;
    for (const key of fields) {
      const message = found[key];
      if (message) {
        errors[key] = message;
        any = true;
      }
    }
    return any;
  }

  function fromError(err: unknown): boolean {
    if (!(err instanceof ApiError) || err.status === 401) return false;
    const field = err.field as K | undefined;
    if (field && fields.includes(field)) errors[field] = err.fieldMessage;
    else formError.value = err.message;
    return true;
  }

  return { errors, formError, clear, setAll, fromError };
}
