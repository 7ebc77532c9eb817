import type Dockerode from 'dockerode';
import type { FieldProblem, Protocol } from '../catalog';
import { portKey, type ResolvedPort } from './install-settings';

/*
 * Is a host port an install wants already taken? Three witnesses, because none sees everything:
 * the kernel's socket tables (any program, and docker-proxy for published container ports), the
 * engine's container list (published ports even with the userland proxy off, where nothing listens),
 * and Tomo's own installations (a stopped app holds no socket but wants its port back on start).
 */

/** A host port held by a container or an installation. */
export interface HeldPort {
  port: number;
  protocol: Protocol;
  /** Who holds it, as the message names it: a container name, or `Tomo app "Uptime Kuma" (tomo-uptime-kuma-3f2a1c)`. */
  holder: string;
}

export interface TakenPorts {
  /** Ports with a socket on the server, from {@link parseProcNetListening}. */
  listening: { tcp: Set<number>; udp: Set<number> };
  /** Ports published by containers, from {@link publishedPortsOfContainers}. */
  containers: HeldPort[];
  /** Ports of Tomo's installations on the server; `holder` is used verbatim. */
  installations: HeldPort[];
}

/** `st` of a listening TCP socket in /proc/net/tcp (TCP_LISTEN). */
const TCP_LISTEN = '0A';
/** `st` of an unconnected UDP socket (TCP_CLOSE): a bound port waiting for datagrams. */
const UDP_BOUND = '07';

/**
 * Local ports of the listening sockets in the text of `/proc/net/tcp` + `/proc/net/tcp6` (or the
 * `udp`/`udp6` pair for `udp`): TCP sockets in LISTEN state, UDP sockets that are bound and not
 * connected. The local address is ignored on purpose: a socket on 127.0.0.1:8080 still keeps Docker
 * from publishing 0.0.0.0:8080. Header lines, blank lines and anything unparsable are skipped.
 */
export function parseProcNetListening(text: string, protocol: Protocol): Set<number> {
  const state = protocol === 'tcp' ? TCP_LISTEN : UDP_BOUND;
  const ports = new Set<number>();
  for (const line of text.split('\n')) {
    // "  12: 0100007F:1F90 00000000:0000 0A ..." (IPv6 lines have 32 hex digits of address).
    const m = /^\s*\d+:\s+[0-9A-Fa-f]+:([0-9A-Fa-f]{4})\s+[0-9A-Fa-f]+:[0-9A-Fa-f]{4}\s+([0-9A-Fa-f]{2})\s/.exec(line);
    if (!m || m[2].toUpperCase() !== state) continue;
    const port = parseInt(m[1], 16);
    if (port > 0) ports.add(port);
  }
  return ports;
}

/**
 * Host ports published by the engine's containers (`GET /containers/json`), once per port,
 * protocol and container (Docker lists the IPv4 and IPv6 binding of a port separately). Only
 * running containers have published ports in that list; Tomo's stopped apps are covered by its
 * installations.
 */
export function publishedPortsOfContainers(containers: ReadonlyArray<Dockerode.ContainerInfo>): HeldPort[] {
  const out: HeldPort[] = [];
  const seen = new Set<string>();
  for (const c of containers) {
    const holder = (c.Names?.[0] ?? '').replace(/^\//, '') || c.Id.slice(0, 12);
    for (const p of c.Ports ?? []) {
      // Exposed but unpublished ports come without PublicPort; sctp is not a protocol of the format.
      if (!p.PublicPort || (p.Type !== 'tcp' && p.Type !== 'udp')) continue;
      const key = `${p.PublicPort}/${p.Type}/${holder}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ port: p.PublicPort, protocol: p.Type, holder });
    }
  }
  return out;
}

/**
 * One problem per requested port whose host port is taken, naming the most telling holder: a Tomo
 * app first, then a container, then "a program" (docker-proxy of a container also listens, so the
 * socket tables alone would hide who it is).
 */
export function findPortConflicts(requested: ReadonlyArray<ResolvedPort>, taken: TakenPorts): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const p of requested) {
    const holds = (h: HeldPort) => h.port === p.host && h.protocol === p.protocol;
    const installation = taken.installations.find(holds);
    const container = installation ? undefined : taken.containers.find(holds);
    const by = installation
      ? installation.holder
      : container
        ? `container ${JSON.stringify(container.holder)}`
        : taken.listening[p.protocol].has(p.host)
          ? 'a program listening on the server'
          : undefined;
    if (by) problems.push({ path: ['ports', portKey(p)], message: `host port ${p.host}/${p.protocol} is already in use by ${by}` });
  }
  return problems;
}
