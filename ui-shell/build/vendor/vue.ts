// The shared `vue` module of the import map (`/vendor/vue.js`).
export * from 'vue';
