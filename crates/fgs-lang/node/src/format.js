// Text formatting for the Node.js runtime shim: console arguments (a small `util.format`)
// and errors (Node's "Name: message" line and an "    at fn (file:line:col)" stack).

/** `util.inspect` in short: strings as they are, errors as their stack, the rest as JSON. */
export function inspect(value) {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return describeError(value).trace;
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `[Function: ${value.name || 'anonymous'}]`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (value instanceof Uint8Array) return `<Buffer ${Array.from(value.slice(0, 50), (b) => b.toString(16).padStart(2, '0')).join(' ')}>`;
  if (value !== null && typeof value === 'object') {
    try {
      const seen = new WeakSet();
      return JSON.stringify(value, (_k, v) => {
        if (typeof v === 'bigint') return `${v}n`;
        if (typeof v === 'function') return `[Function: ${v.name || 'anonymous'}]`;
        if (v !== null && typeof v === 'object') {
          if (seen.has(v)) return '[Circular]';
          seen.add(v);
        }
        return v;
      });
    } catch (_e) {
      return String(value);
    }
  }
  return String(value);
}

/** Node's `util.format`: `%s %d %i %f %j %o %O %%` in a first string argument, the rest joined by spaces. */
export function format(...args) {
  if (args.length === 0) return '';
  let out = '';
  let rest = args;
  if (typeof args[0] === 'string') {
    let next = 1;
    out = args[0].replace(/%[sdifjoO%]/g, (spec) => {
      if (spec === '%%') return '%';
      if (next >= args.length) return spec;
      const arg = args[next++];
      switch (spec) {
        case '%s': return typeof arg === 'string' ? arg : inspect(arg);
        case '%d': return String(Number(arg));
        case '%i': return String(parseInt(arg, 10));
        case '%f': return String(parseFloat(arg));
        default: return inspect(arg);
      }
    });
    rest = args.slice(next);
  } else {
    out = inspect(args[0]);
    rest = args.slice(1);
  }
  for (const arg of rest) out += ' ' + inspect(arg);
  return out;
}

/**
 * Whether a stack line is the runtime's own: the package's files have relative paths
 * (`index.js:2:9`), the bundled runtime an absolute one (`/.../initializer.js:335:28`).
 */
function isRuntimeFrame(line) {
  return line.includes('fgs-node-runtime') || /(^|[@(\s])\/[^:]*:\d+:\d+\)?$/.test(line.trim());
}

/** One stack line as Node writes it (`    at fn (file:line:col)`); SpiderMonkey writes `fn@file:line:col`. */
function frame(line) {
  const trimmed = line.trim();
  if (trimmed.startsWith('at ')) return `    ${trimmed}`;
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return `    at ${trimmed}`;
  const fn = trimmed.slice(0, at);
  const where = trimmed.slice(at + 1);
  return fn ? `    at ${fn} (${where})` : `    at ${where}`;
}

/**
 * What a thrown value says: `message` is one line ("TypeError: x is not a function"),
 * `trace` the message and the stack, Node style.
 */
export function describeError(err) {
  if (err instanceof Error || (err !== null && typeof err === 'object' && typeof err.message === 'string')) {
    const name = err.name || 'Error';
    const header = err.message ? `${name}: ${err.message}` : name;
    let stack = String(err.stack || '');
    if (stack.startsWith(header)) stack = stack.slice(header.length);
    const frames = stack
      .split('\n')
      .filter((l) => l.trim() !== '' && !isRuntimeFrame(l))
      .map(frame);
    // A syntax error in a package file has no frame of its own: name the place.
    if (typeof err.fgsLocation === 'string') frames.unshift(`    at ${err.fgsLocation}`);
    return { message: header.split('\n')[0], trace: [header, ...frames].join('\n') };
  }
  const text = typeof err === 'string' ? err : inspect(err);
  return { message: `Error: ${text}`.split('\n')[0], trace: `Error: ${text}` };
}
