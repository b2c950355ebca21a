// Static files for the demo site: the example shop, the built bundles and the demo's own pages.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

/** Content types by file extension, shared with the e2e server. */
export const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file under `root` for a URL path, or undefined when the path would leave `root`. */
const within = (root, path) => {
  let decoded;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = resolve(root, `.${decoded.startsWith('/') ? decoded : `/${decoded}`}`);
  return file === root || file.startsWith(root + sep) ? file : undefined;
};

/** Reads a file, trying `index.html` for directories and `.html` for extensionless paths. */
const find = async (file) => {
  for (const candidate of [file, join(file, 'index.html'), `${file}.html`]) {
    try {
      if ((await stat(candidate)).isFile()) return { file: candidate, body: await readFile(candidate) };
    } catch {
      // Not this one; try the next form.
    }
  }
  return undefined;
};

/**
 * A handler serving files from `mounts` (URL prefix → directory), first match wins. Resolves true when it
 * answered, false when no mount had the file (the caller then answers 404).
 */
export const serveStatic = (mounts) => {
  const roots = mounts.map(({ prefix, dir }) => ({ prefix, root: resolve(dir) }));
  return async (req, res, pathname) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    for (const { prefix, root } of roots) {
      if (!pathname.startsWith(prefix)) continue;
      const file = within(root, pathname.slice(prefix.length - (prefix.endsWith('/') ? 1 : 0)));
      const found = file && (await find(file));
      if (!found) continue;
      res.writeHead(200, {
        'content-type': TYPES[extname(found.file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : found.body);
      return true;
    }
    return false;
  };
};
