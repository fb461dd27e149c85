/** `npm run knowledge:api-types`: writes the 知识库 screen's generated contract types. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKnowledgeApiTypes, KNOWLEDGE_TYPES_FILE } from './api-types.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
writeFileSync(path.join(root, KNOWLEDGE_TYPES_FILE), await generateKnowledgeApiTypes());
console.log(`已生成 ${KNOWLEDGE_TYPES_FILE}`);
