/** The steps every built-in preparer ends with (the spec's steps 5 to 7), and their helpers. */
export { enableDockerServiceStep, NO_SYSTEMD_MESSAGE } from './enable-docker-service';
export { addUserToDockerGroupStep } from './add-user-to-docker-group';
export { verifyDockerStep } from './verify-docker';
export { dockerComposeStep, detectCompose, composeVersionOf, type ComposePackages } from './docker-compose';
export { isDockerInstalled, COMMAND_V_DOCKER_SCRIPT, DOCKERD_PATHS, DOCKER_CE_PACKAGES } from './docker-present';
export { succeeded, outputTail, describeExit, PACKAGE_TIMEOUT_MS, DOWNLOAD_TIMEOUT_MS, CONTAINER_TIMEOUT_MS, CURL_CONNECT_TIMEOUT_S } from './exec';

import type { PreparationStep } from '../../preparer-types';
import { enableDockerServiceStep } from './enable-docker-service';
import { addUserToDockerGroupStep } from './add-user-to-docker-group';
import { verifyDockerStep } from './verify-docker';

/** Steps 5 to 7, in order: enable the service, add the user to the group, verify. */
export function sharedDockerSteps(): PreparationStep[] {
  return [enableDockerServiceStep(), addUserToDockerGroupStep(), verifyDockerStep()];
}
