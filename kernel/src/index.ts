/**
 * `@tomo/kernel`: the public API, and the only package a plugin imports.
 * Everything exported here is covered by the kernel API version ({@link KERNEL_API_VERSION}).
 *
 * @module @tomo/kernel
 */
import 'reflect-metadata';
// Before anything imports TypeORM: it then loads without the database drivers Tomo does not use.
import './db/load-typeorm';

export { KERNEL_API_VERSION, KERNEL_VERSION } from './version';
export { AppError, badRequest, conflict, forbidden, notFound, unauthorized, TooManyRequestsError, PluginLoadError, ConfigError } from './errors';
export type { Principal, Transport, Access } from './access/principal';
export type { CallContext, AuthenticatedCall, McpSessionState } from './access/call-context';
export { ownerScope, canAccess, requireOwned, type Owned } from './access/ownership';
export { definePlugin, definePluginModule, isPluginDefinition, isPluginModuleDefinition, PLUGIN_ID_PATTERN } from './plugin/define-plugin';
export { createExtensionPoint, type ExtensionPoint } from './plugin/extension-point';
export type {
  PluginDefinition,
  PluginModuleDefinition,
  PluginContext,
  RegisterContext,
  ModuleContext,
  ServiceProvider,
  ServiceDeps,
  ResolvedDeps,
  CliContribution,
  DoctorContribution,
  DoctorFinding,
  BootedKernel,
  ClassType,
  EntityType,
} from './plugin/plugin-types';
export type { PluginStatus } from './plugin/load-plan';
export type { PluginReport, PluginContributions } from './plugin/plugin-report';
export { defineHookSet, HookRegistry, type HookSetRef } from './hooks/hook-set';
export { kernelHooks, type KernelHooks, type AuthenticationRequest, type StartedInfo } from './hooks/kernel-hooks';
export { createServiceToken, type ServiceToken } from './di/service-token';
export { KernelTokens, type Clock } from './di/kernel-tokens';
export type { RouteDefinition, RouteDefinitionFor, RouteFields, RawRouteDefinition, RawRouteDefinitionFor, RouteInput, HttpMethod, CallFor } from './http/route-types';
export type { WebSocketRouteDefinition, WebSocketRouteDefinitionFor, WebSocketSession } from './http/websocket-types';
export { openEventStream, type EventStream, type EventStreamOptions } from './http/event-stream';
export { SESSION_COOKIE, CONSOLE_HEADER, CONSOLE_HEADER_VALUE } from './http/credentials';
export type { ToolDefinition, ToolDefinitionFor, ToolAnnotations } from './mcp/tool-types';
export { aliasedArgument } from './mcp/argument-alias';
export type { UiContribution, UiRoute, UiNavItem, UiWidget, UiSlotItem, UiManifestEntry } from './ui/ui-types';
export { loadConfig, type ConfigSources } from './config/load-config';
export type { TomoConfig, KernelConfig } from './config/config-schema';
export type { Cluster } from './cluster/cluster-types';
export { SECRET_FIELD_NAMES } from './log/redaction';
export type { MetricsRegistrar, MetricDefinition, MetricCounter, MetricCounterSeries, MetricHistogram, MetricHistogramSeries, MetricGauge, MetricLabels } from './metrics/metrics-types';
export { Kernel, type KernelOptions } from './kernel';
export { migrationStatus, type MigrationState } from './db/create-data-source';
export { isPostgres, listTables, numberPlaceholders, runSql, runSqlCountingRows, type SqlRunner } from './db/portable-sql';
export { describeDatabase, type DatabaseKind } from './db/database-url';
export type { ResolvedDatabaseConfig } from './config/config-schema';
export { createCli, runCli, type Distribution } from './cli/create-cli';
export { promptHidden } from './cli/prompt-hidden';
export { quoteShellArg } from './shell/quote';
export { lazyModule } from './lazy/lazy-module';
export { SecretVault, VaultError } from './vault/secret-vault';
