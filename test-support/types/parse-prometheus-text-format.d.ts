// Types for parse-prometheus-text-format (the package ships none): what its README documents.
declare module 'parse-prometheus-text-format' {
  /** One metric family of a Prometheus text exposition. */
  interface ParsedFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: Array<{ labels?: Record<string, string>; value?: string; count?: string; sum?: string; buckets?: Record<string, string> }>;
  }
  /** Parses the text format; throws on text that is not. */
  function parsePrometheusTextFormat(text: string): ParsedFamily[];
  export default parsePrometheusTextFormat;
}
