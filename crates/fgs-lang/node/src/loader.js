// CommonJS for the code package: `require` with a module cache, relative paths,
// `node_modules/<pkg>` lookup (package.json `main`, `index.js`) and JSON files. Every file is
// read through the host's `read-file`; nothing touches a file system.

import { readFile } from 'fgs:lang/host@0.1.0';

const decoder = new TextDecoder('utf-8');

/** Node's core modules: a package cannot provide them and they are not in this runtime. */
const CORE = new Set([
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs',
  'http', 'http2', 'https', 'net', 'os', 'path', 'querystring', 'readline', 'stream',
  'string_decoder', 'tls', 'tty', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
]);

/** Native addons cannot run in WebAssembly. */
const NATIVE = /\.node$/;

/** A `require` failure with Node's code. */
export class ModuleNotFound extends Error {
  constructor(request, from) {
    super(`Cannot find module '${request}'${from ? `\nRequire stack:\n- ${from}` : ''}`);
    this.name = 'Error';
    this.code = 'MODULE_NOT_FOUND';
    this.request = request;
  }
}

/** `a/b/../c/./d` -> `a/c/d`; a path inside the package never starts with `/` or `./`. */
export function normalize(path) {
  const out = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

function dirname(path) {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function join(dir, rel) {
  return normalize(dir ? `${dir}/${rel}` : rel);
}

/** The package's modules; one per instance. */
export class Loader {
  constructor(globals) {
    this.cache = new Map();
    this.sources = new Map();
    this.globals = globals;
  }

  /** The bytes of a package file as text, or undefined (memoised: read-file crosses to the host). */
  read(path) {
    if (this.sources.has(path)) return this.sources.get(path);
    const bytes = path === '' ? undefined : readFile(path);
    const text = bytes === undefined || bytes === null ? undefined : decoder.decode(bytes);
    this.sources.set(path, text);
    return text;
  }

  exists(path) {
    return this.read(path) !== undefined;
  }

  /** `p`, `p.js`, `p.json` as a file. */
  asFile(path) {
    for (const candidate of [path, `${path}.js`, `${path}.json`, `${path}.cjs`]) {
      if (this.exists(candidate)) return candidate;
    }
    return undefined;
  }

  /** `p/package.json` `main`, then `p/index.js`, `p/index.json`. */
  asDirectory(path) {
    const manifest = this.read(join(path, 'package.json'));
    if (manifest !== undefined) {
      let main;
      try {
        main = JSON.parse(manifest).main;
      } catch (_e) {
        main = undefined;
      }
      if (typeof main === 'string' && main !== '') {
        const target = join(path, main);
        const found = this.asFile(target) || this.asIndex(target);
        if (found) return found;
      }
    }
    return this.asIndex(path);
  }

  asIndex(path) {
    for (const candidate of ['index.js', 'index.json', 'index.cjs']) {
      const p = join(path, candidate);
      if (this.exists(p)) return p;
    }
    return undefined;
  }

  /** The package path `request` names from the module in `dir`, or a ModuleNotFound. */
  resolve(request, dir, from) {
    if (request.startsWith('node:') || CORE.has(request)) {
      throw new ModuleNotFound(request, from);
    }
    if (request.startsWith('./') || request.startsWith('../') || request.startsWith('/') || request === '.' || request === '..') {
      const target = request.startsWith('/') ? normalize(request) : join(dir, request);
      const found = this.asFile(target) || this.asDirectory(target);
      if (found) return found;
      throw new ModuleNotFound(request, from);
    }
    // A bare name: node_modules of this directory and of each parent up to the package root.
    let d = dir;
    for (;;) {
      const base = d ? `${d}/node_modules` : 'node_modules';
      const target = join(base, request);
      const found = this.asFile(target) || this.asDirectory(target);
      if (found) return found;
      if (d === '') break;
      d = dirname(d);
    }
    throw new ModuleNotFound(request, from);
  }

  /** `require(request)` as called from the module at `from` (a package path). */
  require(request, from) {
    const path = this.resolve(request, dirname(from || ''), from);
    return this.load(path).exports;
  }

  /** Evaluates the module at the package path `path` once; later calls get the cached module. */
  load(path) {
    const cached = this.cache.get(path);
    if (cached) return cached;
    if (NATIVE.test(path)) {
      throw new Error(`native addon ${path} is not supported: only pure-JavaScript modules can be required from the code package`);
    }
    const source = this.read(path);
    if (source === undefined) throw new ModuleNotFound(path);
    const module = { id: path, filename: path, path: dirname(path), exports: {}, loaded: false, children: [] };
    this.cache.set(path, module);
    try {
      if (path.endsWith('.json')) {
        module.exports = JSON.parse(source);
      } else {
        this.evaluate(module, source);
      }
    } catch (e) {
      this.cache.delete(path);
      throw e;
    }
    module.loaded = true;
    return module;
  }

  /** Runs CommonJS source in Node's wrapper (so line numbers match the file). */
  evaluate(module, source) {
    const body = source.startsWith('#!') ? `//${source}` : source;
    const prefix = '(function (exports, require, module, __filename, __dirname, console, process) {';
    const wrapper = `${prefix}${body}\n})\n//# sourceURL=${module.filename}`;
    let fn;
    try {
      fn = (0, eval)(wrapper);
    } catch (e) {
      // A syntax error: its line is the file's (the wrapper adds no line), its column on the
      // first line counts the wrapper's prefix.
      if (e instanceof SyntaxError && typeof e.lineNumber === 'number') {
        const column = e.lineNumber === 1 ? (e.columnNumber || 0) - prefix.length : e.columnNumber || 0;
        e.fgsLocation = `${module.filename}:${e.lineNumber}:${Math.max(column, 1)}`;
      }
      throw e;
    }
    const require = (request) => this.require(request, module.filename);
    require.resolve = (request) => this.resolve(request, module.path, module.filename);
    require.cache = this.cache;
    module.require = require;
    fn.call(module.exports, module.exports, require, module, module.filename, module.path, this.globals.console, this.globals.process);
  }
}
