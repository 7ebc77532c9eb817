// Builds the panels into plugins/monitoring/dist/ui/index.js (+ index.css), served at /ui/plugins/monitoring/.
// uPlot (the charts) is bundled into index.js; Vue, Pinia, vue-router and the kit stay shared.
import { definePanelConfig } from '@tomo/ui-shell/panel-vite-config';

export default definePanelConfig({ from: import.meta.url, entry: './index.ts', outDir: '../dist/ui' });
