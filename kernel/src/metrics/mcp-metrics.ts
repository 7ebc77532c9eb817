import type { MetricsRegistrar } from './metrics-types';

/** Counts a tool call that names no tool under one label, so made-up names cannot grow the series. */
export const UNKNOWN_TOOL = '(unknown)';

/** What the MCP endpoint records of each `tools/call`. */
export interface McpMetrics {
  /** One call of `tool` that took `seconds`; `error` when its result is a tool error. */
  record(tool: string, outcome: 'ok' | 'error', seconds: number): void;
}

/** MCP tool calls by tool and outcome, and their duration by tool. */
export function registerMcpMetrics(metrics: MetricsRegistrar): McpMetrics {
  const calls = metrics.counter({ name: 'tomo_mcp_tool_calls_total', help: 'MCP tool calls, by tool and outcome (ok, or error: a tool error the agent received)', labelNames: ['tool', 'outcome'] });
  const duration = metrics.histogram({ name: 'tomo_mcp_tool_call_duration_seconds', help: 'Time to answer an MCP tool call, by tool', labelNames: ['tool'] });
  // Each series found once, where a call first needs it (the tools are few, an unknown name counts as one).
  const counted = { ok: new Map<string, { inc(): void }>(), error: new Map<string, { inc(): void }>() };
  const timed = new Map<string, { observe(seconds: number): void }>();
  return {
    record(tool, outcome, seconds) {
      let count = counted[outcome].get(tool);
      if (!count) counted[outcome].set(tool, (count = calls.series({ tool, outcome })));
      let time = timed.get(tool);
      if (!time) timed.set(tool, (time = duration.series({ tool })));
      count.inc();
      time.observe(seconds);
    },
  };
}
