import { defineStore } from 'pinia';
import { ref } from 'vue';

/** How a toast looks: green, red or neutral. */
export type ToastKind = 'success' | 'error' | 'info';

/** One message in the toast stack. */
export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
  title?: string;
}

/** Options for one toast. */
export interface ToastOptions {
  title?: string;
  /** Milliseconds before it goes away by itself; 0 keeps it until dismissed. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT: Record<ToastKind, number> = { success: 4000, info: 5000, error: 8000 };
let nextId = 1;

/**
 * Short messages in the corner of the screen. The shell renders them; any panel may add one.
 *
 * @example
 * useToasts().success('User created');
 */
export const useToasts = defineStore('tomo.toasts', () => {
  const toasts = ref<Toast[]>([]);

  /** Removes a toast. */
  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  /** Adds a toast and returns its id. Identical messages already showing are not repeated. */
  function show(kind: ToastKind, message: string, options: ToastOptions = {}): number {
    const same = toasts.value.find((t) => t.kind === kind && t.message === message && t.title === options.title);
    if (same) return same.id;
    const toast: Toast = { id: nextId++, kind, message, ...(options.title ? { title: options.title } : {}) };
    toasts.value = [...toasts.value, toast].slice(-5);
    const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT[kind];
    if (timeout > 0) setTimeout(() => dismiss(toast.id), timeout);
    return toast.id;
  }

  return {
    toasts,
    show,
    dismiss,
    /** A green toast: something worked. */
    success: (message: string, options?: ToastOptions) => show('success', message, options),
    /** A red toast: something failed. */
    error: (message: string, options?: ToastOptions) => show('error', message, options),
    /** A neutral toast. */
    info: (message: string, options?: ToastOptions) => show('info', message, options),
  };
});
