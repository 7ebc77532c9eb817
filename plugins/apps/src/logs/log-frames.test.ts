import { LogFrameDecoder, type LogStream } from './log-frames';

const frameOf = (type: number, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

/** What the decoder hands over, per stream, joined (the bytes each stream carried, in order). */
function decode(chunks: Buffer[]): { calls: string[]; stdout: string; stderr: string } {
  const calls: string[] = [];
  const bytes: Record<LogStream, Buffer[]> = { stdout: [], stderr: [] };
  const decoder = new LogFrameDecoder((stream, payload) => {
    calls.push(`${stream}:${payload.toString()}`);
    // A copy: a payload may be a view into a chunk.
    bytes[stream].push(Buffer.from(payload));
  });
  for (const chunk of chunks) decoder.push(chunk);
  return { calls, stdout: Buffer.concat(bytes.stdout).toString(), stderr: Buffer.concat(bytes.stderr).toString() };
}

test('frames split anywhere (inside the header or the payload) come out whole and in order', () => {
  const bytes = Buffer.concat([frameOf(1, 'out one\n'), frameOf(2, 'err\n'), frameOf(1, 'out two\n')]);
  for (const cut of [1, 5, 9, 12, 20, bytes.length - 1]) {
    expect(decode([bytes.subarray(0, cut), bytes.subarray(cut)]).calls).toEqual(['stdout:out one\n', 'stderr:err\n', 'stdout:out two\n']);
  }
});

test('consecutive frames of one stream in a chunk are handed over joined; a change of stream starts a new run', () => {
  const bytes = Buffer.concat([frameOf(1, 'a\n'), frameOf(1, 'b\n'), frameOf(2, 'e1\n'), frameOf(2, 'e2\n'), frameOf(1, 'c\n')]);
  expect(decode([bytes]).calls).toEqual(['stdout:a\nb\n', 'stderr:e1\ne2\n', 'stdout:c\n']);
});

test('empty frames and frames of another type are skipped; what each stream carries is unchanged at every cut', () => {
  const frames = [frameOf(1, 'one €\n'), frameOf(1, ''), frameOf(0, 'stdin?'), frameOf(2, 'err '), frameOf(3, 'junk'), frameOf(2, 'more\n'), frameOf(1, 'two\n')];
  const bytes = Buffer.concat(frames);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const seen = decode([bytes.subarray(0, cut), bytes.subarray(cut)]);
    expect(seen.stdout).toBe('one €\ntwo\n');
    expect(seen.stderr).toBe('err more\n');
  }
  expect(decode([bytes]).calls).toEqual(['stdout:one €\n', 'stderr:err more\n', 'stdout:two\n']);
});

test('a 10,000-frame chunk is decoded in linear time', () => {
  const line = (i: number) => `2026-12-06T23:10:00.000000000Z line ${i} ${'x'.repeat(80)}\n`;
  const bytes = Buffer.concat(Array.from({ length: 10000 }, (_, i) => frameOf(1, line(i))));
  let text = '';
  const started = performance.now();
  new LogFrameDecoder((_stream, payload) => (text += payload.toString())).push(bytes);
  // The copying decoder this replaces took seconds on this input.
  expect(performance.now() - started).toBeLessThan(200);
  expect(text.split('\n')).toHaveLength(10001);
  expect(text.startsWith(line(0)) && text.endsWith(line(9999))).toBe(true);
});
