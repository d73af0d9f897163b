// Regenerates the SDK's types from the server's OpenAPI document: npm run generate:client
import { writeFileSync } from 'node:fs';
import { CLIENT_TYPES_PATH, generateClientTypes } from '../test/support/client-types.js';

writeFileSync(CLIENT_TYPES_PATH, await generateClientTypes());
console.log(`wrote ${CLIENT_TYPES_PATH}`);
