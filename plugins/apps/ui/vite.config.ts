// Builds the panel into plugins/apps/dist/ui/index.js (+ index.css), served at /ui/plugins/apps/.
import { definePanelConfig } from '@tomo/ui-shell/panel-vite-config';

export default definePanelConfig({ from: import.meta.url, entry: './index.ts', outDir: '../dist/ui' });
