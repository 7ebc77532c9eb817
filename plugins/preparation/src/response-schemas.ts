/**
 * The answers of the preparation plugin's HTTP routes, as a client receives them (JSON: dates
 * are ISO strings). They feed the OpenAPI document and test kernels check every answer against
 * them. The TypeScript shapes live in `views.ts` (import-free, shared with the console); the
 * checks at the end keep the two in step.
 */
import { z } from 'zod';
import type { ComposeStatus, DetectedOs, LogLine, PreparationView, StepView } from './views';

export const preparationStatusSchema = z
  .enum(['pending', 'in_progress', 'completed', 'failed'])
  .describe('`pending`: never prepared; `in_progress`: running now; `completed`: Docker is installed and usable; `failed`: stopped at `failedStep` (retry resumes there)');

export const stepStateSchema = z
  .enum(['pending', 'running', 'satisfied', 'applied', 'failed', 'rolled_back'])
  .describe('`satisfied`: already in place, nothing changed; `applied`: changed by this run; `rolled_back`: failed and its partial change undone');

/** A step of the plan (`id` and `title`), as `POST /api/preparation/plan` lists them. */
export const plannedStepSchema = z.strictObject({
  id: z.string().describe('Stable kebab-case step id (`install-docker`)'),
  title: z.string().describe('What the step does, as the stepper shows it'),
});

export const stepViewSchema = plannedStepSchema.extend({ state: stepStateSchema });

export const detectedOsSchema = z.strictObject({
  id: z.string().describe('os-release `ID`, lower-case (`debian`, `ubuntu`, `rocky`)'),
  versionId: z.string().describe('os-release `VERSION_ID` (`12`, `22.04`), or `BUILD_ID` for a rolling release'),
  idLike: z.array(z.string()).describe('os-release `ID_LIKE`, split on spaces (`["debian"]`)'),
  codename: z.string().nullable().describe('os-release `VERSION_CODENAME` (`bookworm`), null when not given'),
  prettyName: z.string().describe('os-release `PRETTY_NAME`'),
  architecture: z.string().describe('`uname -m` (`x86_64`, `aarch64`)'),
});

export const composeStatusSchema = z
  .discriminatedUnion('available', [
    z.strictObject({
      available: z.literal(true),
      version: z.string().describe('Docker Compose version (`2.26.1`)'),
      command: z.array(z.string()).describe('The argv prefix that runs it: `["docker", "compose"]` (CLI plugin) or `["docker-compose"]` (standalone v2)'),
    }),
    z.strictObject({
      available: z.literal(false),
      reason: z.string().describe('Why there is no Compose v2 (only Compose v1 or no package with v2 in the server\'s repositories), and what would give it'),
    }),
  ])
  .describe('Docker Compose v2, which multi-container apps need; Docker works without it');

export const logLineSchema = z.strictObject({
  id: z.number().describe('Increasing line id; pass it as `afterId` (or `Last-Event-ID` on the event stream) to get only later lines'),
  at: z.string().describe('When the line was written (ISO 8601)'),
  step: z.string().nullable().describe('The step that wrote it (`install-docker`), or null for lines about the whole run'),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string().describe('The line, with passwords redacted'),
});

/** A server's preparation, as the start and retry routes answer it (and `state` events carry it). */
export const preparationViewSchema = z.strictObject({
  preparationId: z.string().nullable().describe('Id of the preparation record; null when the server was never prepared'),
  serverId: z.string(),
  status: preparationStatusSchema,
  currentStep: z.string().nullable().describe('Id of the step running now (or the failed one); null when none'),
  failedStep: z.string().nullable().describe('Id of the step that failed; null unless `status` is `failed`'),
  error: z.string().nullable().describe('Why the run failed, as a sentence to act on; null unless `status` is `failed`'),
  steps: z.array(stepViewSchema).describe('The plan with each step\'s state (only `detect-os` until the OS is known; empty when never prepared)'),
  os: detectedOsSchema.nullable().describe('The detected OS; null until detected'),
  preparer: z.string().nullable().describe('Id of the OS preparer that made the plan (`debian-family`); null until chosen'),
  compose: composeStatusSchema.nullable().describe('Docker Compose v2 as the run\'s `install-docker-compose` step found it; null until a run reached that step'),
  startedAt: z.string().nullable().describe('When the last run started (ISO 8601); null when never run'),
  finishedAt: z.string().nullable().describe('When the last run ended (ISO 8601); null while running or never run'),
});

/** `GET /api/servers/:id/preparation`: the view plus the last lines of the log. */
export const preparationStatusAnswerSchema = preparationViewSchema.extend({
  recentLog: z.array(logLineSchema).describe('The newest lines of the log (at most 50), oldest first'),
});

export const preparersAnswerSchema = z.strictObject({
  preparers: z.array(
    z.strictObject({
      id: z.string().describe('Preparer id (`debian-family`)'),
      supported: z.array(z.string()).describe('The OS versions it supports, for people (`Debian 12`, `Ubuntu 24.04`)'),
    }),
  ),
});

export const planAnswerSchema = z.strictObject({
  preparer: z.string().describe('Id of the preparer a server with this OS would get'),
  steps: z.array(plannedStepSchema).describe('The steps it would run, in order, starting with `detect-os`'),
});

export const logAnswerSchema = z.strictObject({ lines: z.array(logLineSchema).describe('Oldest first') });

// Compile-time: the schemas describe exactly the types of views.ts (a field added to one and not the other fails `tsc`).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type ResponseSchemasMatchViews = [
  Assert<Same<z.output<typeof detectedOsSchema>, DetectedOs>>,
  Assert<Same<z.output<typeof stepViewSchema>, StepView>>,
  Assert<Same<z.output<typeof logLineSchema>, LogLine>>,
  Assert<Same<z.output<typeof composeStatusSchema>, ComposeStatus>>,
  Assert<Same<z.output<typeof preparationViewSchema>, Omit<PreparationView, 'recentLog'>>>,
  Assert<Same<z.output<typeof preparationStatusAnswerSchema>, Required<PreparationView>>>,
];
