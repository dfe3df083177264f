// The FunctionGraph `context` object a Node.js handler receives, with the platform's getters,
// built from the context JSON the emulator passes (fgs_abi::Context's fields).

import { log, remainingTimeMs } from 'fgs:lang/host@0.1.0';
import { format } from './format.js';

/** `context.getLogger()` and the shim's `console`: each call is one line in the invocation log. */
export function makeLogger() {
  const at = (level) => (...args) => log(level, format(...args));
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function makeConsole() {
  const logger = makeLogger();
  return {
    log: logger.info,
    info: logger.info,
    debug: logger.debug,
    trace: logger.debug,
    warn: logger.warn,
    error: logger.error,
    dir: logger.info,
  };
}

/** The context JSON text as an object (an empty one when it does not parse). */
export function parseFields(text) {
  try {
    const fields = JSON.parse(text);
    return fields !== null && typeof fields === 'object' ? fields : {};
  } catch (_e) {
    return {};
  }
}

export function makeContext(fields, logger) {
  const userData = fields.user_data && typeof fields.user_data === 'object' ? fields.user_data : {};
  const str = (key) => (fields[key] === undefined || fields[key] === null ? '' : String(fields[key]));
  const num = (key) => Number(fields[key] || 0);
  return {
    getRequestID: () => str('request_id'),
    getRemainingTimeInMilliSeconds: () => Number(remainingTimeMs()),
    getUserData: (key, fallback) => (Object.prototype.hasOwnProperty.call(userData, key) ? userData[key] : fallback),
    getFunctionName: () => str('function_name'),
    getVersion: () => str('version'),
    getMemorySize: () => num('memory_size'),
    getCPUNumber: () => num(fields.cpu_number !== undefined ? 'cpu_number' : 'cpu'),
    getProjectID: () => str('project_id'),
    getPackage: () => str('package'),
    getRunningTimeInSeconds: () => num('timeout'),
    getInvokeProperty: () => str('invocation_type'),
    getAlias: () => '',
    getToken: () => '',
    getAccessKey: () => '',
    getSecretKey: () => '',
    getSecurityAccessKey: () => '',
    getSecuritySecretKey: () => '',
    getSecurityToken: () => '',
    getLogger: () => logger,
  };
}

/** `process.env` from the function's user data (the platform exports it as environment variables). */
export function makeProcess(fields) {
  const env = {};
  if (fields.user_data && typeof fields.user_data === 'object') {
    for (const [k, v] of Object.entries(fields.user_data)) env[k] = String(v);
  }
  return { env, version: 'v14.18.0', versions: { node: '14.18.0' }, platform: 'linux', arch: 'wasm32', argv: ['node'] };
}
