// The plugin's own panel build: dist/ui/index.js, an ES module the console imports at run time
// (Vue and the kit stay bare imports, served by Tomo's import map).
import { definePanelConfig } from '@tomo/ui-shell/panel-vite-config';

export default definePanelConfig({ from: import.meta.url, entry: './index.ts', outDir: '../dist/ui' });
