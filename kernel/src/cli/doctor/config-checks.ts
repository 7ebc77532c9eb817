import type { TomoConfig } from '../../config/config-schema';
import { describeConfigIssue } from '../../config/load-config';
import type { LoadPlan } from '../../plugin/load-plan';
import type { DoctorFinding } from '../../plugin/plugin-types';

/**
 * The parts of the configuration only the plugins know: each plugin's section against its
 * schema, and top-level keys that match no kernel setting and no installed plugin (at start
 * these are a warning in the log; here, a problem: usually a typo). The kernel's own keys were
 * validated when the config loaded.
 */
export function configFindings(config: TomoConfig, plan: LoadPlan, source: string): DoctorFinding[] {
  const findings: DoctorFinding[] = [];
  for (const c of plan.plugins) {
    const schema = c.definition.config;
    if (!schema) continue;
    const parsed = schema.safeParse(config.sections[c.definition.id] ?? {});
    if (!parsed.success) findings.push({ check: 'config', ok: false, detail: describeConfigIssue(parsed.error, c.definition.id).message });
  }
  const known = new Set([...plan.statuses.map((s) => s.id), ...plan.plugins.flatMap((c) => c.definition.configSections ?? [])]);
  for (const section of Object.keys(config.sections)) {
    if (!known.has(section)) findings.push({ check: 'config', ok: false, detail: `Unknown key "${section}": no kernel setting and no installed plugin has that name` });
  }
  for (const s of plan.statuses) {
    if (s.state === 'disabled' && s.error) findings.push({ check: 'plugins', ok: false, detail: s.error });
  }
  if (!findings.length) findings.push({ check: 'config', ok: true, detail: `${source}: valid, every key known` });
  return findings;
}
