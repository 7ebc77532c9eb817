import type { ImportedSetting, VariableMapping } from './store-types';

/*
 * Compose variable substitution for imported stores: `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}` and `$$` (a literal `$`), each variable replaced by what the store's variable
 * map says it is in Tomo. What a variable cannot become where it is used is reported, never guessed.
 */

/** Where a string sits: an env value (settings stay live as `{{NAME}}`), a host path, or anything else. */
export type SubstitutionContext = 'env' | 'hostPath' | 'other';

/** A variable that could not be honoured where it is used. */
export interface SubstitutionProblem {
  /** The app cannot run without it (unmappable or undefined variable). */
  fatal: boolean;
  reason: string;
}

/** The placeholder of the app's data folder in host paths (definition-types.ts DATA_ROOT). */
const DATA_ROOT = '${DATA_ROOT}';

const VARIABLE = /\$(?:(\$)|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
const BRACED = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$/s;

export interface Substituter {
  /** The string with every variable replaced; problems go to `report`. */
  (value: string, context: SubstitutionContext, report: (problem: SubstitutionProblem) => void): string;
}

export function substituter(variables: Readonly<Record<string, VariableMapping>>, settings: ReadonlyArray<ImportedSetting>, used: Set<string>): Substituter {
  return (value, context, report) =>
    value.replace(VARIABLE, (whole, dollar: string | undefined, braced: string | undefined, bare: string | undefined) => {
      if (dollar) return '$';
      let name = bare;
      let operator: string | undefined;
      let fallback: string | undefined;
      if (braced !== undefined) {
        const m = BRACED.exec(braced);
        if (!m) {
          report({ fatal: true, reason: `"${whole}" is not a variable Compose understands` });
          return '';
        }
        [, name, operator, fallback] = m;
      }
      const mapping = variables[name as string];
      if (!mapping) {
        // An undefined variable with a default: Compose takes the default, and so does Tomo.
        if (operator === ':-' || operator === '-') return fallback ?? '';
        report({ fatal: true, reason: `variable ${name} is not defined by the store and has no default` });
        return '';
      }
      if (operator === ':+' || operator === '+' || operator === ':?' || operator === '?') {
        report({ fatal: true, reason: `"${whole}": the ${operator} form is not supported` });
        return '';
      }
      switch (mapping.kind) {
        case 'literal':
          return mapping.value;
        case 'appDataDir':
          if (context === 'hostPath') return DATA_ROOT;
          report({ fatal: true, reason: `variable ${name} is the app's data folder on the host, which the container cannot be told (only host paths may use it)` });
          return '';
        case 'unmappable':
          report({ fatal: true, reason: `variable ${name}: ${mapping.reason}` });
          return '';
        case 'setting': {
          if (context === 'env') {
            used.add(mapping.key);
            return `{{${mapping.key}}}`;
          }
          const setting = settings.find((s) => s.name === mapping.key);
          if (setting?.default !== undefined) {
            // A secret's default is not repeated in the report (which the catalog status shows).
            const shown = setting.secret === true ? '' : ` "${setting.default}"`;
            report({ fatal: false, reason: `variable ${name} is a setting, which Tomo passes only to environment variables: its default${shown} is used here` });
            return setting.default;
          }
          report({ fatal: true, reason: `variable ${name} is a setting without a default, which Tomo passes only to environment variables` });
          return '';
        }
      }
    });
}
