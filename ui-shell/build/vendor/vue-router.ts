// The shared `vue-router` module of the import map (`/vendor/vue-router.js`).
export * from 'vue-router';
