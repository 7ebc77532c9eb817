// The shared `pinia` module of the import map (`/vendor/pinia.js`).
export * from 'pinia';
