"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.appsCatalogsExtensionPoint = void 0;
/**
 * The `apps.catalogs` extension point: how the built-in catalog and plugins' catalogs are added.
 * Its methods take plain options; the apps plugin builds the loaders behind them, so a plugin
 * needs nothing from the apps plugin but this contract.
 */
const kernel_1 = require("@tomo/kernel");
/** Add a catalog: `ctx.getExtensionPoint(appsCatalogsExtensionPoint).addFolder({ dir, id: 'plugin:my-pack' })`. */
exports.appsCatalogsExtensionPoint = (0, kernel_1.createExtensionPoint)({ id: 'apps.catalogs' });
