import type { DoctorContribution, DoctorFinding } from '@tomo/kernel';
import { isSshError } from './contract/ssh-failure';
import type { PublicServer } from './schemas';
import { ServersTokens } from './tokens';

/** How long one server may take to answer before the doctor calls it unreachable. */
const DOCTOR_TIMEOUT_MS = 15000;

async function checkServer(servers: ReturnType<typeof resolveServers>, server: PublicServer): Promise<DoctorFinding> {
  const check = `server ${server.name}`;
  const where = `${server.username}@${server.host}:${server.port}`;
  if (!server.hostKey) return { check, ok: false, detail: `${where}: no trusted host key yet (test the connection in the console to trust one)` };
  if (server.pendingHostKey) {
    return { check, ok: false, detail: `${where}: presented a different host key ${server.pendingHostKey.fingerprint} (trusted: ${server.hostKey.fingerprint}); compare it and accept it in the console if the change is expected` };
  }
  try {
    // One round trip on a connection that verifies the trusted host key before it logs in.
    const handle = await servers.forSystem(server.id);
    const res = await handle.exec(['true'], { timeoutMs: DOCTOR_TIMEOUT_MS });
    if (res.exitCode !== 0) return { check, ok: false, detail: `${where}: logged in, but a command exited ${res.exitCode}` };
    return { check, ok: true, detail: `${where}: reachable, host key ${server.hostKey.algorithm} ${server.hostKey.fingerprint} matches` };
  } catch (err) {
    if (isSshError(err)) return { check, ok: false, detail: `${where}: ${err.code}: ${err.message}` };
    throw err;
  }
}

const resolveServers = (kernel: Parameters<DoctorContribution>[0]) => kernel.resolve(ServersTokens.ServerService);

/** `tomo doctor`: each server reachable over SSH with the host key Tomo trusts. Statuses in the database are not changed. */
export const serversDoctor: DoctorContribution = async (kernel) => {
  const servers = resolveServers(kernel);
  const list = await servers.listForSystem();
  if (!list.length) return [{ check: 'servers', ok: true, detail: 'none added yet' }];
  const findings: DoctorFinding[] = [];
  for (const server of list) findings.push(await checkServer(servers, server));
  return findings;
};
