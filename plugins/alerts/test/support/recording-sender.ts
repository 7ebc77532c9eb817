import type { TestKernel } from '@tomo/kernel/testing';
import { NOTIFICATION_SENDER, type AlertNotification, type NotificationSender } from '../../src/notification';

export interface Sent {
  notification: AlertNotification;
  channelIds: readonly string[];
}

/**
 * A NotificationSender that records what it is handed, registered in the kernel's root
 * container (the plugin looks its sender up at each send, through its own container): for tests
 * of the evaluation, which is about WHAT is sent and when, not how a channel delivers it.
 */
export function recordingSender(t: TestKernel): Sent[] {
  const sent: Sent[] = [];
  const sender: NotificationSender = { send: (notification, channelIds) => void sent.push({ notification, channelIds }) };
  t.kernel.container.register(NOTIFICATION_SENDER, { useValue: sender });
  return sent;
}
