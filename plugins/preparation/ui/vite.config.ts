// Builds the panel into plugins/preparation/dist/ui/index.js (+ index.css), served at /ui/plugins/preparation/.
import { definePanelConfig } from '@tomo/ui-shell/panel-vite-config';

export default definePanelConfig({ from: import.meta.url, entry: './index.ts', outDir: '../dist/ui' });
