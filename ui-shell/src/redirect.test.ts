import { safeRedirect } from './redirect';

const ORIGIN = 'http://tomo.lan';

describe('safeRedirect (no open redirect)', () => {
  it.each([
    ['/users', '/users'],
    ['/tokens?tab=2#new', '/tokens?tab=2#new'],
    ['/a/../users', '/users'],
  ])('keeps the local path %s', (input, expected) => {
    expect(safeRedirect(input, ORIGIN)).toBe(expected);
  });

  it.each([
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    'javascript:alert(1)',
    'users',
    '',
    '/login',
    '/login?redirect=/users',
    '/setup',
  ])('refuses %j', (input) => {
    expect(safeRedirect(input, ORIGIN)).toBe('/');
  });

  it('takes the first of repeated query values and refuses non-strings', () => {
    expect(safeRedirect(['/users', '//evil'], ORIGIN)).toBe('/users');
    expect(safeRedirect(null, ORIGIN)).toBe('/');
    expect(safeRedirect(undefined, ORIGIN)).toBe('/');
  });
});
