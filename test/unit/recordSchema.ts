// Validation of .memmaprun records against schemas/memmaprun.schema.json (Ajv, from the dev tools' node_modules).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';

const root = path.resolve(__dirname, '..', '..');
export const validateRecord = new Ajv({ strict: false, allErrors: true })
  .compile(JSON.parse(readFileSync(path.join(root, 'schemas', 'memmaprun.schema.json'), 'utf8')));
