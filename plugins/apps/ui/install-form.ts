/**
 * What the install wizard collects for one app (ports, settings, optional capabilities) and the
 * request it becomes. One object, created when the wizard opens and shared with its steps
 * through `provide`/`inject`, so each step edits the same state without a chain of v-models.
 * Secrets typed here live only as long as the wizard (it is recreated on every open).
 */
import { inject, reactive, type InjectionKey, type Ref } from 'vue';
import type { AppDefinition, InstallRequest } from './api';
import { checkPorts, checkSettings, portField, settingField, type PortChoice } from './validation';

export interface InstallForm {
  app: AppDefinition;
  ports: PortChoice[];
  /** Values by env name, as typed (defaults filled in). */
  settings: Record<string, string>;
  /** Optional capabilities the user opted in to, by name. */
  capabilities: Record<string, boolean>;
  /** Messages under fields, by field key (`ports.80/tcp`, `settings.TZ`). */
  errors: Record<string, string>;
  /** Messages for the whole form (the server named no field this form shows). */
  formErrors: string[];
}

/** The wizard provides the form of its current opening (null while closed). */
export const INSTALL_FORM: InjectionKey<Readonly<Ref<InstallForm | null>>> = Symbol('apps.installForm');

/**
 * The form of the wizard this component is in. The steps are created anew for each opening and
 * each step, so reading the current form once, at set-up, is enough.
 */
export function useInstallForm(): InstallForm {
  const form = inject(INSTALL_FORM)?.value;
  if (!form) throw new Error('useInstallForm() outside an open install wizard');
  return form;
}

/** A fresh form for `app`: the definition's host ports, required ports published (optional ones offered), defaults filled in. */
export function createInstallForm(app: AppDefinition): InstallForm {
  return reactive({
    app,
    ports: app.ports.map((p) => ({
      key: `${p.container}/${p.protocol}`,
      container: p.container,
      protocol: p.protocol,
      ...(p.description ? { description: p.description } : {}),
      optional: p.optional,
      host: String(p.host),
      // Optional ports (DHCP, an Edge tunnel) are offered, not published unless the user ticks them.
      publish: !p.optional,
      fixed: app.hostAccess.hostNetwork,
    })),
    settings: Object.fromEntries(app.env.map((e) => [e.name, e.default ?? ''])),
    capabilities: Object.fromEntries(app.hostAccess.capabilities.filter((c) => c.optional).map((c) => [c.name, false])),
    errors: {},
    formErrors: [],
  });
}

/** Every field key the form shows a message under. */
export function fieldKeys(form: InstallForm): Set<string> {
  return new Set([...form.ports.map((p) => portField(p.key)), ...form.app.env.map((e) => settingField(e.name))]);
}

/** Clears every message. */
export function clearProblems(form: InstallForm): void {
  for (const key of Object.keys(form.errors)) delete form.errors[key];
  form.formErrors.splice(0);
}

/** The browser's checks; true when the form may go to the server. */
export function validateForm(form: InstallForm): boolean {
  clearProblems(form);
  Object.assign(form.errors, checkPorts(form.ports), checkSettings(form.app.env, form.settings));
  return Object.keys(form.errors).length === 0;
}

/** `"ports.80/tcp: host port 8080 is taken"` under its field reads better without the field name. */
function withoutField(field: string, message: string): string {
  if (!message.startsWith(`${field}: `)) return message;
  const rest = message.slice(field.length + 2);
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/**
 * Places the server's problems: under their field when the form shows it, else for the whole
 * form. Returns true when at least one landed under a field.
 */
export function placeProblems(form: InstallForm, problems: ReadonlyArray<{ field?: string; message: string }>): boolean {
  const keys = fieldKeys(form);
  let underField = false;
  for (const { field, message } of problems) {
    if (field && keys.has(field)) {
      form.errors[field] = withoutField(field, message);
      underField = true;
    } else {
      form.formErrors.push(message);
    }
  }
  return underField;
}

/**
 * The request: every port (a number, or null for an optional one left unpublished), every
 * setting with a value (empty ones are left out, so the server uses the default or generates
 * the value), and the optional capabilities opted in to.
 */
export function requestOf(form: InstallForm): InstallRequest {
  const ports: Record<string, number | null> = {};
  for (const p of form.ports) ports[p.key] = p.publish || !p.optional ? Number(p.host.trim()) : null;
  const settings: Record<string, string> = {};
  for (const env of form.app.env) {
    const value = form.settings[env.name] ?? '';
    if (value.trim() !== '') settings[env.name] = value;
  }
  const capabilities = Object.entries(form.capabilities)
    .filter(([, on]) => on)
    .map(([name]) => name);
  return {
    appId: form.app.id,
    ...(form.ports.length ? { ports } : {}),
    ...(Object.keys(settings).length ? { settings } : {}),
    ...(capabilities.length ? { capabilities } : {}),
  };
}
