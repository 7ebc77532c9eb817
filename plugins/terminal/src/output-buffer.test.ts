import { OutputBuffer } from './output-buffer';

test('keeps the last bytes up to the limit, dropping the oldest, and empties on take', () => {
  const buffer = new OutputBuffer(8);
  buffer.push(Buffer.from('abcd'));
  buffer.push(Buffer.from('efgh'));
  buffer.push(Buffer.from('ij'));
  expect(buffer.length).toBe(8);
  expect(buffer.take().toString()).toBe('cdefghij');
  expect(buffer.length).toBe(0);
  buffer.push(Buffer.from('0123456789abc'));
  expect(buffer.take().toString()).toBe('56789abc');
});
