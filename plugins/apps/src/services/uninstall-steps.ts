import type { InstallStepView } from '../views';

/**
 * The steps of an uninstall, as its event stream shows them: the data step is skipped (and says
 * the data is kept) when deleting it was not asked for.
 */
export function uninstallSteps(deleteData: boolean, dataDir: string): InstallStepView[] {
  return [
    { id: 'remove', title: 'Stop and remove the app', state: 'pending', detail: null },
    deleteData
      ? { id: 'data', title: 'Delete the data', state: 'pending', detail: null }
      : { id: 'data', title: 'Delete the data', state: 'skipped', detail: `Kept in ${dataDir}, as asked` },
  ];
}
