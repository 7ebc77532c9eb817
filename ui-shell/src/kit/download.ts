/**
 * Handing a file the server sent to the browser as a download: the name from the answer's
 * `Content-Disposition`, and a temporary `<a download>` on an object URL.
 */

/**
 * The file name from a `Content-Disposition` header (`filename*=UTF-8''…` first, then
 * `filename="…"`), without any folder part; undefined when there is none.
 */
export function fileNameFrom(header: string | null): string | undefined {
  if (!header) return undefined;
  let name: string | undefined;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended) {
    try {
      name = decodeURIComponent(extended[1].trim());
    } catch {
      name = undefined;
    }
  }
  if (!name) {
    const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/.exec(header);
    name = plain ? (plain[1] ?? plain[2]).replace(/\\(.)/g, '$1') : undefined;
  }
  const base = name?.split(/[/\\]/).pop()?.trim();
  return base ? base : undefined;
}

/**
 * Hands a file to the browser as a download: an object URL on a temporary `<a download>`, clicked,
 * then released (after the click has been handled, or the download could be cut off).
 */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.appendChild(link);
  try {
    link.click();
  } finally {
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}
