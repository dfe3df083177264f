// The fgs-local Node.js runtime: implements world fgs:lang/handler-runtime (../../wit/handler.wit)
// for componentize-js. `load` evaluates the user's CommonJS module from the code package
// (through host read-file), `initialize` runs the initializer once per instance, `handle`
// calls the handler with the parsed event and a FunctionGraph context.

import { describeError } from './format.js';
import { makeConsole, makeContext, makeLogger, makeProcess, parseFields } from './context.js';
import { Loader } from './loader.js';

const logger = makeLogger();
const globals = { console: makeConsole(), process: makeProcess({}) };
try {
  globalThis.console = globals.console;
} catch (_e) {
  // The engine's console stays; user modules still get ours through the module wrapper.
}
globalThis.process = globals.process;

const state = { loader: undefined, handler: undefined, initializer: undefined };

/** A `result::err` for the component boundary. */
class Failure extends Error {
  constructor(kind, message, trace) {
    super(message);
    this.payload = { kind, message, trace: trace || '' };
  }
}

function failure(kind, err) {
  const { message, trace } = describeError(err);
  return new Failure(kind, message, trace);
}

/** The function "index.handler" names: `handler` of module `index` (index.js) in the package. */
function resolve(spec, what) {
  const dot = spec.lastIndexOf('.');
  if (dot <= 0 || dot === spec.length - 1) {
    throw new Failure('missing-handler', `${what} '${spec}' is not of the form FILE.FUNCTION`, '');
  }
  const file = spec.slice(0, dot);
  const name = spec.slice(dot + 1);
  const path = state.loader.asFile(file);
  if (path === undefined) {
    throw new Failure('missing-handler', `Cannot find module '${file}': the code package has no file ${file}.js for ${what} ${spec}`, '');
  }
  let exports;
  try {
    exports = state.loader.load(path).exports;
  } catch (e) {
    throw failure('load-error', e);
  }
  const fn = exports === null || exports === undefined ? undefined : exports[name];
  if (typeof fn !== 'function') {
    throw new Failure('missing-handler', `${file}.${name} is undefined or not exported: module ${path} has no function ${name} for ${what} ${spec}`, '');
  }
  return fn;
}

/**
 * Calls `fn(first, context[, callback])` and settles with what it produced: the resolved value
 * of a returned promise, the callback's result (or error), or a plain return value.
 */
function call(fn, args) {
  return new Promise((resolveCall, rejectCall) => {
    let settled = false;
    const done = (err, value) => {
      if (settled) return;
      settled = true;
      if (err !== null && err !== undefined) rejectCall(err);
      else resolveCall(value);
    };
    const callback = (err, value) => done(err, value);
    let returned;
    try {
      returned = fn(...args, callback);
    } catch (e) {
      done(e === undefined ? new Error('undefined') : e);
      return;
    }
    if (returned !== null && typeof returned === 'object' && typeof returned.then === 'function') {
      returned.then(
        (value) => done(null, value),
        (e) => done(e === undefined || e === null ? new Error(String(e)) : e),
      );
    } else if (fn.length < args.length + 1) {
      // Not callback-style: the return value is the result.
      done(null, returned);
    }
  });
}

/** The result as the platform serialises it: strings as they are, the rest as JSON. */
function serialise(value) {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder('utf-8').decode(value);
  if (value === undefined) return 'null';
  const text = JSON.stringify(value);
  return text === undefined ? 'null' : text;
}

function setProcess(fields) {
  const next = makeProcess(fields);
  globals.process.env = next.env;
}

export function load(handler, initializer) {
  state.loader = new Loader(globals);
  state.handler = undefined;
  state.initializer = undefined;
  state.handler = resolve(handler, 'handler');
  if (initializer !== undefined && initializer !== null && initializer !== '') {
    state.initializer = resolve(initializer, 'initializer');
  }
}

export async function initialize(context) {
  const init = state.initializer;
  if (init === undefined) return;
  const fields = parseFields(context);
  setProcess(fields);
  try {
    await call(init, [makeContext(fields, logger)]);
  } catch (e) {
    throw failure('function-error', e);
  }
}

export async function handle(event, context) {
  const fn = state.handler;
  if (fn === undefined) throw new Failure('missing-handler', 'load was not called', '');
  let parsed;
  try {
    parsed = event === '' ? {} : JSON.parse(event);
  } catch (_e) {
    parsed = event;
  }
  const fields = parseFields(context);
  setProcess(fields);
  let value;
  try {
    value = await call(fn, [parsed, makeContext(fields, logger)]);
  } catch (e) {
    throw failure('function-error', e);
  }
  try {
    return serialise(value);
  } catch (e) {
    throw failure('function-error', e);
  }
}
