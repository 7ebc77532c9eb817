import { SINGLE_SERVICE_NAME, type AppDefinition, type AppService } from './definition-types';

/**
 * The services of an app, whichever format it was written in: a multi-service app's own, or the one
 * service a single-container definition stands for (named {@link SINGLE_SERVICE_NAME}, given every
 * setting as the variable of the same name, every declared capability, the app's host access).
 * This is the one shape the Compose file is generated from.
 */
export function servicesOf(app: AppDefinition): ReadonlyArray<AppService> {
  if (app.services) return app.services;
  return [
    {
      name: SINGLE_SERVICE_NAME,
      image: app.image,
      ports: app.ports,
      volumes: app.volumes,
      // A whole-value reference: a setting left without a value leaves the variable out, as before.
      env: app.env.map((e) => ({ name: e.name, value: `{{${e.name}}}` })),
      dependsOn: [],
      restart: app.restart,
      privileged: app.hostAccess.privileged,
      hostNetwork: app.hostAccess.hostNetwork,
      capabilities: app.hostAccess.capabilities.map((c) => c.name),
    },
  ];
}
