/**
 * Who passkeys are for (the WebAuthn "relying party"): the host name they are bound to and the
 * only origin assertions are accepted from. From `server.publicUrl`, the address people open the
 * console at; without one, `http://localhost:<server.port>` (a try-out on this machine).
 */
export interface RelyingParty {
  /** The host name (`tomo.example.com`, `localhost`): a passkey made for one works for no other. */
  id: string;
  /** Shown by the browser and the authenticator when a passkey is made. */
  name: string;
  /** `https://tomo.example.com`: what the browser must report as the page's origin. */
  origin: string;
}

export function relyingPartyOf(server: { publicUrl?: string; port: number }): RelyingParty {
  const url = new URL(server.publicUrl ?? `http://localhost:${server.port}`);
  return { id: url.hostname, name: 'Tomo', origin: url.origin };
}
