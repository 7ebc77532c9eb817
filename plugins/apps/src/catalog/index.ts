// The catalog layer of the apps plugin: definition format, loaders and the merged registry.
// See docs/catalog-format.md.
export * from './issues';
export * from './image-reference';
export * from './definition-schema';
export * from './services-of';
export { SETTING_REFERENCE } from './normalize-services';
export * from './load-yaml-catalog';
export * from './portainer-templates';
export * from './catalog-registry';
