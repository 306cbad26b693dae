// Validation of .memmaprun records against schemas/memmaprun.schema.json (Ajv, from the dev tools' node_modules).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';

// Bundled into out/unit/common and out/process: the schema is found from wherever that is.
let dir = __dirname;
while (!existsSync(path.join(dir, 'schemas', 'memmaprun.schema.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
export const validateRecord = new Ajv({ strict: false, allErrors: true })
  .compile(JSON.parse(readFileSync(path.join(dir, 'schemas', 'memmaprun.schema.json'), 'utf8')));
