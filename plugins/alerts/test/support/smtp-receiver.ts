import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message the receiver accepted, with how it came. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  headers: Map<string, unknown>;
  /** True when the session had been upgraded with STARTTLS before MAIL FROM. */
  secure: boolean;
  /** The TLS protocol negotiated (TLSv1.3…). */
  tlsProtocol: string | null;
  /** The user the session authenticated as. */
  user: string | null;
}

/**
 * The test bed's SMTP receiver: a real SMTP server (smtp-server) on a loopback port that offers
 * STARTTLS with a self-signed certificate made for the test (openssl, argv only), refuses AUTH
 * and mail before STARTTLS, checks a username and password, and keeps every message parsed.
 */
export class SmtpReceiver {
  readonly messages: ReceivedMail[] = [];
  /** Every AUTH attempt's outcome (user, ok). */
  readonly logins: Array<{ user: string; ok: boolean }> = [];
  private constructor(
    private readonly server: SMTPServer,
    /** PEM of the self-signed certificate: what the channel's `caCertificate` trusts. */
    readonly certificate: string,
    private readonly dir: string,
  ) {}

  static async start(credentials: { username: string; password: string }): Promise<SmtpReceiver> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-smtp-'));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ], { stdio: 'ignore' });
    const certificate = fs.readFileSync(cert, 'utf8');
    let receiver: SmtpReceiver | null = null;
    const server = new SMTPServer({
      secure: false,
      key: fs.readFileSync(key),
      cert: certificate,
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: false,
      disableReverseLookup: true,
      logger: false,
      onAuth(auth, _session, callback) {
        const ok = auth.username === credentials.username && auth.password === credentials.password;
        receiver?.logins.push({ user: auth.username ?? '', ok });
        if (!ok) return callback(new Error('535 5.7.8 Authentication credentials invalid'));
        callback(null, { user: auth.username });
      },
      onMailFrom(_address, session, callback) {
        if (!session.secure) return callback(Object.assign(new Error('Must issue a STARTTLS command first'), { responseCode: 530 }));
        callback();
      },
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((mail) => {
            const tls = (session as unknown as { tlsOptions?: { version?: string } | false }).tlsOptions;
            receiver?.messages.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              headers: mail.headers as Map<string, unknown>,
              secure: session.secure,
              tlsProtocol: tls ? (tls.version ?? null) : null,
              user: typeof session.user === 'string' ? session.user : null,
            });
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });
    receiver = new SmtpReceiver(server, certificate, dir);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return ((this.server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  }

  /** Resolves when `count` messages have arrived; rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > until) throw new Error(`SMTP receiver got ${this.messages.length} of ${count} messages in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
