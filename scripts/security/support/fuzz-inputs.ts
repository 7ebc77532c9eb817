/**
 * fast-check arbitraries for hostile HTTP input: random JSON, the right keys with the wrong
 * types, huge strings, deep nesting, prototype-pollution keys, unicode (lone surrogates and
 * control characters included), numbers at their limits, malformed JSON and wrong content types.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';

const HUGE = 300_000;

/** Strings known to hurt somewhere: paths, shells, SQL, encodings, limits. */
const nastyConstants = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '../../../../etc/passwd',
  '..',
  '.',
  '/',
  '%00',
  '\u0000',
  'a\u0000b',
  '\r\nSet-Cookie: x=1',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u0301\u200b',
  '😀'.repeat(300),
  "' OR 1=1 --",
  '"; DROP TABLE servers; --',
  '$(reboot)',
  '`id`',
  '; rm -rf /',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '%s%s%s%n',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '9007199254740993',
  'true',
  'null',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '*',
  'app.*',
];

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...nastyConstants), weight: 4 },
  { arbitrary: fc.string(), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 1 },
  { arbitrary: fc.uuid(), weight: 1 },
  { arbitrary: fc.constantFrom('a', 'é', '\u0000', '😀', '/').map((c) => c.repeat(HUGE)), weight: 1 },
);

export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 1.5, 22, 65535, 65536, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, Number.MIN_SAFE_INTEGER, 1e308, -1e308, Number.MIN_VALUE, 3650, 3651, 5000, 5001),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A deeply nested array or object, as JSON text (JSON.stringify would recurse as deep). */
export const deepJson: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 50, max: 5000 }), fc.boolean())
  .map(([depth, asObject]) => (asObject ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`));

/** Any value a JSON body could hold, bent towards the nasty ones. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: nastyString, weight: 4 },
  { arbitrary: nastyNumber, weight: 3 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
  { arbitrary: fc.array(nastyString, { maxLength: 5 }), weight: 1 },
  { arbitrary: fc.dictionary(nastyString, nastyString, { maxKeys: 4 }), weight: 1 },
);

/** One request body: its text and content type (and, compressed, its bytes and Content-Encoding). */
export interface FuzzBody {
  kind: string;
  text: string;
  contentType: string | null;
  contentEncoding?: string;
  bytes?: Uint8Array;
}

const compress: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => zlib.gzipSync(b),
  deflate: (b) => zlib.deflateSync(b),
  br: (b) => zlib.brotliCompressSync(b),
  identity: (b) => b,
};

const json = (kind: string, value: unknown): FuzzBody => ({ kind, text: JSON.stringify(value) ?? 'null', contentType: 'application/json' });

/**
 * Bodies for a route whose schema has `keys` (top-level object keys) and whose valid sample is
 * `sample` (an object, or undefined).
 */
export function fuzzBody(keys: string[], sample: unknown): fc.Arbitrary<FuzzBody> {
  const base = sample && typeof sample === 'object' && !Array.isArray(sample) ? (sample as Record<string, unknown>) : {};
  const baseKeys = Object.keys(base);
  const key = keys.length > 0 ? fc.constantFrom(...keys) : nastyString;
  const options: Array<fc.WeightedArbitrary<FuzzBody>> = [
    // Random JSON of any shape.
    { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => json('random json', v)), weight: 2 },
    // The right keys, wrong (or random) values.
    { arbitrary: fc.dictionary(key, nastyValue, { maxKeys: Math.max(1, keys.length) }).map((v) => json('right keys, wrong types', v)), weight: 3 },
    // The valid sample with one field broken: gets deepest into the handlers.
    ...(baseKeys.length > 0
      ? [{ arbitrary: fc.tuple(fc.constantFrom(...baseKeys), nastyValue).map(([k, v]) => json(`sample with ${k} replaced`, { ...base, [k]: v })), weight: 4 }]
      : []),
    // The valid sample plus a field it does not know.
    { arbitrary: fc.tuple(nastyString, nastyValue).map(([k, v]) => json('sample plus an unknown field', { ...base, [k.slice(0, 100)]: v })), weight: 1 },
    // Prototype pollution, as JSON text (an object literal's __proto__ would not be a key).
    {
      arbitrary: fc
        .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.constantFrom('{"role":"admin","isAdmin":true,"polluted":1}', '{"prototype":{"polluted":1}}', 'null', '"x"'))
        .map(([k, v]) => ({ kind: `prototype key ${k}`, text: `{${JSON.stringify(base).slice(1, -1)}${baseKeys.length ? ',' : ''}"${k}":${v}}`, contentType: 'application/json' })),
      weight: 2,
    },
    // Every string of the sample made huge.
    ...(baseKeys.length > 0 ? [{ arbitrary: fc.integer({ min: 1000, max: HUGE }).map((n) => json('huge strings', Object.fromEntries(Object.entries(base).map(([k, v]) => [k, typeof v === 'string' ? v.repeat(Math.ceil(n / Math.max(1, v.length))) : v])))), weight: 1 }] : []),
    // Deep nesting, alone or under a known key.
    { arbitrary: fc.tuple(deepJson, key).map(([deep, k]) => ({ kind: 'deep nesting', text: `{"${String(k).replace(/["\\]/g, '')}":${deep}}`, contentType: 'application/json' })), weight: 1 },
    { arbitrary: deepJson.map((deep) => ({ kind: 'deep nesting', text: deep, contentType: 'application/json' })), weight: 1 },
    // Not JSON, or not said to be.
    { arbitrary: fc.string({ maxLength: 200 }).map((s) => ({ kind: 'malformed json', text: `{${s}`, contentType: 'application/json' })), weight: 1 },
    { arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/xml').map((ct) => ({ kind: `content-type ${ct}`, text: JSON.stringify(base), contentType: ct })), weight: 1 },
    { arbitrary: fc.constant({ kind: 'no body', text: '', contentType: null }), weight: 1 },
    // A Content-Encoding the bytes do or do not match (a truncated stream, junk, a tiny bomb).
    {
      arbitrary: fc
        .tuple(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown'), fc.constantFrom('valid', 'junk', 'truncated', 'bomb'), fc.uint8Array({ minLength: 1, maxLength: 64 }))
        .map(([encoding, how, junk]) => {
          const text = JSON.stringify(base);
          const pack = compress[encoding] ?? compress.identity;
          const packed = how === 'bomb' ? pack(Buffer.alloc(8 * 1024 * 1024, 32)) : pack(Buffer.from(text));
          const bytes = how === 'junk' ? junk : how === 'truncated' ? packed.subarray(0, Math.max(1, packed.length >> 1)) : packed;
          return { kind: `content-encoding ${encoding}, ${how}`, text, contentType: 'application/json', contentEncoding: encoding, bytes };
        }),
      weight: 2,
    },
  ];
  return fc.oneof(...options);
}

/** A query string: known and unknown keys, repeated keys (arrays), nasty values. */
export function fuzzQuery(keys: string[], sample: Record<string, string>): fc.Arbitrary<{ kind: string; search: string }> {
  const key = keys.length > 0 ? fc.oneof(fc.constantFrom(...keys), nastyString.map((s) => s.slice(0, 200))) : nastyString.map((s) => s.slice(0, 200));
  const value = fc.oneof(nastyString.map((s) => s.slice(0, 2000)), nastyNumber.map(String));
  const encode = (pairs: Array<[string, string]>) => {
    const p = new URLSearchParams();
    for (const [k, v] of pairs) p.append(k, v);
    return p.toString();
  };
  return fc.oneof(
    fc.array(fc.tuple(key, value), { maxLength: 6 }).map((pairs) => ({ kind: 'random query', search: encode(pairs) })),
    ...(Object.keys(sample).length > 0
      ? [fc.tuple(fc.constantFrom(...Object.keys(sample)), value).map(([k, v]) => ({ kind: `sample with ${k} replaced`, search: encode(Object.entries({ ...sample, [k]: v })) }))]
      : []),
    fc.tuple(key, fc.array(value, { minLength: 2, maxLength: 4 })).map(([k, vs]) => ({ kind: 'repeated key', search: encode([...Object.entries(sample), ...vs.map((v) => [k, v] as [string, string])]) })),
    fc.constantFrom('%', '%zz', '%00=%00', '__proto__[role]=admin', 'constructor[prototype][x]=1', '&&&', '=').map((raw) => ({ kind: 'malformed query', search: raw })),
  );
}

/** A path segment in place of an id. */
export const fuzzSegment: fc.Arbitrary<string> = fc.oneof(
  // encodeURIComponent refuses lone surrogates: those go as their raw UTF-8 bytes below.
  nastyString.map((s) => encodeURIComponent(s.slice(0, 3000).toWellFormed())),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.constantFrom('%', '%zz', '%2e%2e', '..%2f..%2f', '%c0%af', '%ff', 'x%00', '%ed%a0%80', '%f4%90%80%80'),
);
