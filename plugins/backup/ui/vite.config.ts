// Builds the panel into plugins/backup/dist/ui/index.js (+ index.css), served at /ui/plugins/backup/.
import { definePanelConfig } from '@tomo/ui-shell/panel-vite-config';

export default definePanelConfig({ from: import.meta.url, entry: './index.ts', outDir: '../dist/ui' });
