/**
 * The console's line icons, one table for the shell's navigation and every panel's buttons: 24×24
 * paths drawn with the current colour (`TIcon`). A plugin names one in its manifest's nav items.
 */
export const ICON_PATHS = {
  dashboard: ['M4 4h7v7H4z', 'M13 4h7v7h-7z', 'M4 13h7v7H4z', 'M13 13h7v7h-7z'],
  users: ['M16 20v-1.5a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4V20', 'M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z', 'M22 20v-1.5a4 4 0 0 0-3-3.85', 'M15.5 4.15a3.5 3.5 0 0 1 0 6.7'],
  user: ['M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z', 'M4 21v-1a6 6 0 0 1 6-6h4a6 6 0 0 1 6 6v1'],
  key: ['M7.5 20a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9z', 'M10.7 12.3L20 3', 'M16 7l3 3', 'M13.5 9.5l2 2'],
  server: ['M4 4h16v7H4z', 'M4 13h16v7H4z', 'M8 7.5h.01', 'M8 16.5h.01'],
  apps: ['M21 8l-9-5-9 5 9 5 9-5z', 'M3 8v8l9 5 9-5V8', 'M12 13v8'],
  activity: ['M22 12h-4l-3 9L9 3l-3 9H2'],
  bell: ['M6 16v-5a6 6 0 0 1 12 0v5l2 2H4z', 'M10 21h4'],
  chart: ['M3 3v18h18', 'M7 15l4-4 3 3 5-6'],
  archive: ['M3 4h18v4H3z', 'M5 8v12h14V8', 'M10 12h4'],
  plugin: ['M9 2v6', 'M15 2v6', 'M6 8h12v4a6 6 0 0 1-12 0z', 'M12 18v4'],
  settings: ['M4 21v-7', 'M4 10V3', 'M12 21v-9', 'M12 8V3', 'M20 21v-5', 'M20 12V3', 'M1 14h6', 'M9 8h6', 'M17 16h6'],
  edit: ['M4 20h4L19 9l-4-4L4 16v4z', 'M13.5 6.5l4 4'],
  enable: ['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', 'M8 12.5l2.5 2.5L16 9.5'],
  disable: ['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', 'M5.6 5.6l12.8 12.8'],
  signout: ['M10 4H5v16h5', 'M14 8l4 4-4 4', 'M18 12H9'],
  delete: ['M4 7h16', 'M10 11v6', 'M14 11v6', 'M6 7l1 13h10l1-13', 'M9 7V4h6v3'],
} as const satisfies Record<string, readonly string[]>;

/** The name of an icon of the kit. */
export type IconName = keyof typeof ICON_PATHS;

/** The paths of `name`, or undefined for a name the kit does not have (a plugin's manifest may say anything). */
export function iconPaths(name: string | undefined): readonly string[] | undefined {
  return name && Object.hasOwn(ICON_PATHS, name) ? ICON_PATHS[name as IconName] : undefined;
}
