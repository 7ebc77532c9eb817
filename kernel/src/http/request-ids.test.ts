import { requestIds } from './request-ids';

test('request ids are distinct, well-formed v4 UUIDs, and differ between processes (generators)', () => {
  const next = requestIds();
  const ids = Array.from({ length: 1000 }, () => next());
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(new Set(ids).size).toBe(ids.length);
  expect(requestIds()().slice(0, 24)).not.toBe(ids[0].slice(0, 24));
});
