import { z } from 'zod';
import type { ToolDefinition } from '@tomo/kernel';
import { logAnswerSchema, preparationStatusAnswerSchema, preparationViewSchema } from '../response-schemas';
import type { PreparationService } from '../services/preparation-service';

const serverId = z.uuid('must be a valid server id');
const runArgs = z.strictObject({
  server_id: serverId,
  sudo_password: z.string().min(1, 'must not be empty').max(1024, 'is too long').optional(),
  docker_source: z.enum(['auto', 'official', 'distribution'], 'must be "auto", "official" or "distribution"').optional(),
});
type RunArgs = z.output<typeof runArgs>;

/** `prepare_server`. */
export function prepareServerTool(service: PreparationService): ToolDefinition<RunArgs> {
  return {
    name: 'prepare_server',
    title: 'Prepare server',
    description:
      'Prepare a server for apps: detect the OS, update packages, install Docker (official repository, falling back to the distribution package), enable it, add the SSH user to the docker group, verify, then install Docker Compose v2 where a package has it. ' +
      'The status\'s `compose` says what was found: {available: true, version, command} or {available: false, reason} (Docker still works; multi-container apps need Compose v2). ' +
      'Runs in the background and returns at once with the preparation as the HTTP API answers it (`preparationId`, `status` "in_progress", the planned `steps`); poll get_preparation_status. Safe to repeat: a prepared server reports every step as already satisfied. ' +
      'sudo_password is only needed for key logins whose sudo asks for a password; it is used for this run and never stored.',
    input: runArgs,
    output: preparationViewSchema,
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    handler: (a, call) => service.start(call.principal, a.server_id, { sudoPassword: a.sudo_password, dockerSource: a.docker_source }, call, false),
  };
}

/** `get_preparation_status`. */
export function getPreparationStatusTool(service: PreparationService): ToolDefinition<{ server_id: string }> {
  return {
    name: 'get_preparation_status',
    title: 'Preparation status',
    description:
      'Status of a server\'s preparation (`status`: pending, in_progress, completed, failed), the current step (`currentStep`), every step\'s state (`steps`), the error if it failed (`error`, `failedStep`), Docker Compose v2 (`compose`: version and command, or why it is unavailable), and the last log lines (`recentLog`).',
    input: z.strictObject({ server_id: serverId }),
    output: preparationStatusAnswerSchema,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: (a, call) => service.status(call.principal, a.server_id),
  };
}

/** `get_preparation_log`. */
export function getPreparationLogTool(service: PreparationService): ToolDefinition<{ server_id: string; after_id?: number }> {
  return {
    name: 'get_preparation_log',
    title: 'Preparation log',
    description: 'The full preparation log of a server: { lines }, timestamped lines tagged with their step (secrets redacted). Pass after_id (a line\'s `id`) to read only newer lines.',
    input: z.strictObject({ server_id: serverId, after_id: z.number().int().min(0).optional() }),
    output: logAnswerSchema,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: async (a, call) => ({ lines: await service.readLog(call.principal, a.server_id, a.after_id) }),
  };
}

/** `retry_preparation`. */
export function retryPreparationTool(service: PreparationService): ToolDefinition<RunArgs> {
  return {
    name: 'retry_preparation',
    title: 'Retry preparation',
    description: 'Retry a failed preparation from the step that failed; earlier steps are re-checked, not re-applied. Returns the preparation at once (as prepare_server); poll get_preparation_status.',
    input: runArgs,
    output: preparationViewSchema,
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    handler: (a, call) => service.start(call.principal, a.server_id, { sudoPassword: a.sudo_password, dockerSource: a.docker_source }, call, true),
  };
}
