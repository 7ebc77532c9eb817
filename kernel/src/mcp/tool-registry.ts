import { PluginLoadError } from '../errors';
import type { ToolDefinition } from './tool-types';

/** A registered tool and the plugin that owns it. */
export interface ToolEntry {
  owner: string;
  definition: ToolDefinition;
}

const TOOL_NAME = /^[a-z][a-z0-9_]{1,63}$/;

/** All MCP tools. Names are global: a clash stops start-up, naming both plugins. */
export class ToolRegistry {
  private readonly entries = new Map<string, ToolEntry>();

  add(entry: ToolEntry): void {
    const { name } = entry.definition;
    if (!TOOL_NAME.test(name)) {
      throw new PluginLoadError(`Plugin "${entry.owner}": MCP tool name "${name}" must be snake_case (a-z, 0-9, _), 2-64 characters`, entry.owner);
    }
    const existing = this.entries.get(name);
    if (existing) {
      throw new PluginLoadError(`MCP tool "${name}" is registered by both "${existing.owner}" and "${entry.owner}"`, entry.owner);
    }
    this.entries.set(name, entry);
  }

  /** Checks a batch without adding it. */
  check(batch: readonly ToolEntry[]): void {
    const probe = new ToolRegistry();
    for (const entry of this.entries.values()) probe.entries.set(entry.definition.name, entry);
    for (const entry of batch) probe.add(entry);
  }

  get(name: string): ToolEntry | undefined {
    return this.entries.get(name);
  }

  all(): ToolEntry[] {
    return [...this.entries.values()];
  }
}
