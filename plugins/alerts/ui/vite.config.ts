// Builds the panels into plugins/alerts/dist/ui/index.js (+ index.css), served at /ui/plugins/alerts/.
// Vue, Pinia, vue-router and the kit stay shared (the import map).
import { definePanelConfig } from '@tomo/ui-shell/panel-vite-config';

export default definePanelConfig({ from: import.meta.url, entry: './index.ts', outDir: '../dist/ui' });
