/** The panels of tomo-plugin-alpine, loaded by the console from /ui/plugins/alpine/index.js. */
export { default as AlpinePage } from './AlpinePage.vue';
export { default as AlpineWidget } from './AlpineWidget.vue';
