import { fileNameFrom, saveFile } from './download';

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

describe('saveFile', () => {
  it('clicks a hidden download link on an object URL, removes it, and releases the URL afterwards', () => {
    jest.useFakeTimers();
    const created: Blob[] = [];
    const revoked: string[] = [];
    const url = URL as unknown as { createObjectURL: (b: Blob) => string; revokeObjectURL: (u: string) => void };
    url.createObjectURL = (b) => (created.push(b), 'blob:tomo/1');
    url.revokeObjectURL = (u) => revoked.push(u);
    const clicked: Array<{ href: string; download: string; inPage: boolean }> = [];
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.getAttribute('href') ?? '', download: this.download, inPage: document.body.contains(this) });
    });
    try {
      const blob = new Blob(['x']);
      saveFile(blob, 'backup.enc');
      expect(created).toEqual([blob]);
      expect(clicked).toEqual([{ href: 'blob:tomo/1', download: 'backup.enc', inPage: true }]);
      expect(document.querySelectorAll('a[download]')).toHaveLength(0);
      expect(revoked).toEqual([]);
      jest.advanceTimersByTime(1000);
      expect(revoked).toEqual(['blob:tomo/1']);
    } finally {
      click.mockRestore();
      jest.useRealTimers();
    }
  });
});
