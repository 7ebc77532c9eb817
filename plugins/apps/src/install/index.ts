// The install layer of the apps plugin: pure functions the installer calls. An install request
// checked against its definition (install-settings), generated secrets (generate-secret), the
// Docker create body (container-spec), the Compose file (compose-file) and host-port conflicts (port-conflicts). No I/O here.
export * from './generate-secret';
export * from './install-settings';
export * from './container-spec';
export * from './compose-file';
export * from './port-conflicts';
export * from './server-fit';
