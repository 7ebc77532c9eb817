import { lazyModule } from '@tomo/kernel';
import { z } from 'zod';
import { DeliveryFailure, type ChannelDefinition } from '../channel-definition';
import { plainTextOf, titleOf } from '../message-text';

/** nodemailer loads with the first e-mail sent, not at start-up (issue 19, idle memory). */
const nodemailer = lazyModule<typeof import('nodemailer')>(require, 'nodemailer');

const address = z.email('must be an email address').max(254);

export const emailConfig = z
  .strictObject({
    host: z.string().min(1).max(253).regex(/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, 'must be a host name or an IP address'),
    port: z.number().int().min(1).max(65535).default(587),
    /** `starttls`: plain connection upgraded with STARTTLS, which is required (port 587); `tls`: TLS from the start (port 465). Never unencrypted. */
    security: z.enum(['starttls', 'tls']).default('starttls'),
    from: address,
    to: z.array(address).min(1, 'needs at least one recipient').max(20),
    username: z.string().min(1).max(256).optional(),
    password: z.string().min(1).max(256).optional(),
    /** PEM of the certificate (or its CA) to trust besides the system's: a self-signed relay at home. */
    caCertificate: z.string().max(20000).regex(/-----BEGIN CERTIFICATE-----/, 'must be a PEM certificate').optional(),
  })
  .refine((c) => !c.password || c.username, { message: 'is required with a password', path: ['username'] });
export type EmailConfig = z.infer<typeof emailConfig>;

/** The SMTP reply code at the start of a server's answer ("250 2.0.0 OK"), when there is one. */
function replyCode(text: string | undefined): number | null {
  const match = /^(\d{3})\b/.exec(text ?? '');
  return match ? Number(match[1]) : null;
}

/** Email over SMTP with nodemailer: STARTTLS required (or implicit TLS), certificates verified. */
export const emailChannel: ChannelDefinition<EmailConfig> = {
  type: 'email',
  config: emailConfig,
  secretFields: ['password'],
  settings: (c) => ({ host: c.host, port: c.port, security: c.security, from: c.from, to: c.to, ...(c.username ? { username: c.username } : {}), caCertificate: Boolean(c.caCertificate) }),
  async deliver(n, c, context) {
    const transport = nodemailer().createTransport({
      host: c.host,
      port: c.port,
      secure: c.security === 'tls',
      requireTLS: c.security === 'starttls',
      auth: c.username ? { user: c.username, pass: c.password ?? '' } : undefined,
      connectionTimeout: context.timeoutMs,
      greetingTimeout: context.timeoutMs,
      socketTimeout: context.timeoutMs,
      tls: { minVersion: 'TLSv1.2', ...(c.caCertificate ? { ca: c.caCertificate } : {}) },
      logger: false,
      debug: false,
    });
    try {
      const info = await transport.sendMail({
        from: c.from,
        to: c.to,
        subject: titleOf(n),
        text: plainTextOf(n),
        headers: { 'X-Tomo-Alert': n.alertId, 'X-Tomo-Delivery': context.deliveryId },
      });
      return { responseCode: replyCode(info.response) };
    } catch (err) {
      const e = err as { responseCode?: number; code?: string; message?: string };
      throw new DeliveryFailure(`SMTP: ${e.code ? `${e.code}: ` : ''}${(e.message ?? String(err)).slice(0, 300)}`, e.responseCode ?? null);
    } finally {
      transport.close();
    }
  },
};
