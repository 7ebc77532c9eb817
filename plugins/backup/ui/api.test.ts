import { fileNameFrom } from './api';

describe('fileNameFrom (Content-Disposition)', () => {
  it('reads the quoted name the server sends, the RFC 5987 form first, and a bare token', () => {
    expect(fileNameFrom('attachment; filename="tomo-backup-2025-03-12-14-05-00.enc"')).toBe('tomo-backup-2025-03-12-14-05-00.enc');
    expect(fileNameFrom(`attachment; filename="fallback.enc"; filename*=UTF-8''sauvegarde%20%C3%A9t%C3%A9.enc`)).toBe('sauvegarde été.enc');
    expect(fileNameFrom('attachment; filename=plain.enc')).toBe('plain.enc');
  });

  it('drops any folder part and gives undefined without a name', () => {
    expect(fileNameFrom('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(fileNameFrom('attachment; filename="C:\\\\temp\\\\x.enc"')).toBe('x.enc');
    expect(fileNameFrom('attachment')).toBeUndefined();
    expect(fileNameFrom(null)).toBeUndefined();
    expect(fileNameFrom('attachment; filename=""')).toBeUndefined();
  });
});
