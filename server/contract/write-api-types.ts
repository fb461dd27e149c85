/** `npm run api:types`: writes the generated contract types for the console and the WeChat channels. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_FILES, generateApiTypes } from './api-types.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const text = await generateApiTypes();
for (const file of GENERATED_FILES) {
  writeFileSync(path.join(root, file), text);
  console.log(`已生成 ${file}`);
}
