import type { DependencyContainer } from 'tsyringe';
import type { TestKernel } from '@tomo/kernel/testing';
import { NOTIFICATION_SENDER, type AlertNotification, type NotificationSender } from '../../src/notification';

export interface Sent {
  notification: AlertNotification;
  channelIds: readonly string[];
}

/**
 * A NotificationSender that records what it is handed, for tests of the evaluation, which are
 * about WHAT is sent and when, not how a channel delivers it. The plugin looks its sender up at
 * each send through its own container, where the channels' dispatcher registers itself: this one
 * is registered there after it (the last registration of a token is the one resolved), so it
 * replaces the dispatcher for the test.
 */
export function recordingSender(t: TestKernel): Sent[] {
  const sent: Sent[] = [];
  const sender: NotificationSender = { send: (notification, channelIds) => void sent.push({ notification, channelIds }) };
  const containers = (t.kernel as unknown as { pluginContainers: Map<string, DependencyContainer> }).pluginContainers;
  const own = containers.get('alerts');
  if (!own) throw new Error('the alerts plugin is not loaded: no container to register the recording sender in');
  own.register(NOTIFICATION_SENDER, { useValue: sender });
  return sent;
}
