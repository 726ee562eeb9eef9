// Trunk's post-build hook (see Trunk.toml), on the staged build before it becomes dist/. The
// steps run in this order because each changes files the next one reads: the policy's loader
// hash goes into index.html, then the service worker takes the hash of every file.
import { join } from 'node:path';
import { allowLoaderScript } from './csp-hash.mjs';
import { writeServiceWorker } from './service-worker.mjs';

const staging = process.env.TRUNK_STAGING_DIR;
const source = process.env.TRUNK_SOURCE_DIR;
if (!staging || !source) throw new Error('post-build: TRUNK_STAGING_DIR or TRUNK_SOURCE_DIR is not set (run me as a Trunk hook)');
await allowLoaderScript(staging);
await writeServiceWorker(staging, join(source, 'js', 'service_worker.js'));
