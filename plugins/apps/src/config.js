"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.catalogConfigSchema = exports.appsConfigSchema = void 0;
const node_path_1 = __importDefault(require("node:path"));
const zod_1 = require("zod");
const store_types_1 = require("./catalog/stores/store-types");
/** The `apps:` section of the configuration. */
exports.appsConfigSchema = zod_1.z.strictObject({
    /**
     * Folder on each server under which every installation gets its own data folder
     * (`<dataRoot>/<container name>`). Docker creates it as root on first use.
     */
    dataRoot: zod_1.z
        .string()
        .refine((p) => node_path_1.default.posix.isAbsolute(p) && node_path_1.default.posix.normalize(p) !== '/', 'must be an absolute path other than /')
        .default('/srv/tomo/apps'),
    /** Deadline of one Docker Engine API request (not of a pull), in ms. */
    dockerTimeoutMs: zod_1.z.number().int().min(1000).max(600000).default(30000),
    /** Seconds a container gets to stop after SIGTERM before Docker kills it (stop and uninstall). */
    stopTimeoutSeconds: zod_1.z.number().int().min(0).max(600).default(10),
    /**
     * Minutes between the periodic checks for app updates (a new catalog version, or a new image
     * digest in the registry under an installed tag); 0 turns the periodic check off (on demand only).
     */
    updateCheckIntervalMinutes: zod_1.z.number().int().min(0).max(10080).default(360),
    /** Deadline of an image pull, in ms. */
    pullTimeoutMs: zod_1.z.number().int().min(10000).max(7200000).default(1800000),
});
/**
 * The top-level `catalog:` section (read by the apps plugin from the whole configuration): extra
 * catalog folders of YAML definitions, or Portainer app-template (v2) JSON files. `TOMO_CATALOG_DIRS`
 * (separated like PATH) adds to it.
 */
exports.catalogConfigSchema = zod_1.z
    .strictObject({
    dirs: zod_1.z.array(zod_1.z.string().min(1, 'must not be empty')).default([]),
    /**
     * Community app stores laid out as their project publishes them (a git checkout the admin
     * made): CasaOS, Runtipi or Umbrel. See docs/catalog-format.md, "App stores".
     */
    stores: zod_1.z
        .array(zod_1.z.strictObject({
        format: zod_1.z.enum(store_types_1.STORE_FORMATS, `must be one of: ${store_types_1.STORE_FORMATS.join(', ')}`),
        dir: zod_1.z.string('must be the path of the store\'s folder').min(1, 'must not be empty'),
        /** Unique among the stores, kebab-case (default: the format); prefixes its apps' ids. */
        id: zod_1.z.string().max(32, 'must be at most 32 characters').regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case: lowercase letters and digits separated by "-"').optional(),
        name: zod_1.z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
        /** The store's licence (default: read from its LICENSE file). */
        licence: zod_1.z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
        /** Who maintains the store (default: its contributors, named after the store). */
        attribution: zod_1.z.string().trim().min(1, 'must not be empty').max(300, 'must be at most 300 characters').optional(),
    }))
        .default([]),
})
    .default({ dirs: [], stores: [] });
