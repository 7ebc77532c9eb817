import type Docker from 'dockerode';
import { lazyModule } from '@tomo/kernel';
import { StreamAgent, type OpenStream } from './stream-agent';

// dockerode and docker-modem (with their dependencies) load when Tomo first talks to an engine,
// not at start-up (issue 19, idle memory).
const dockerode = lazyModule<typeof import('dockerode')>(require, 'dockerode');

/** Opens one byte stream to the server's Docker socket (through its pooled SSH connection). */
export type OpenDockerStream = OpenStream;

/**
 * A dockerode client for one server's engine, carried over SSH: Tomo speaks the Docker Engine
 * API (JSON) to `/var/run/docker.sock` on the server, so nothing is ever a `docker …` command
 * string and the engine needs no TCP port. `timeoutMs` bounds each request (not pulls' streams,
 * which the installer bounds itself).
 */
export function dockerOverSsh(open: OpenDockerStream, options: { timeoutMs?: number } = {}): Docker {
  // `agent` is a docker-modem option @types/dockerode does not list.
  const modemOptions = { protocol: 'http', host: 'docker', port: 80, agent: new StreamAgent(open), timeout: options.timeoutMs } as Docker.DockerOptions;
  const Dockerode = dockerode();
  return new Dockerode(modemOptions);
}
