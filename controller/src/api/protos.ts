/** The `.proto` files of `hostplane.v1` (and of the health service), loaded at run time for server reflection. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readdirSync } from 'node:fs';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';

export function protoRoot(): string {
  return dirname(createRequire(import.meta.url).resolve('@hostplane/proto/package.json'));
}

export function loadPackageDefinition(): protoLoader.PackageDefinition {
  const root = protoRoot();
  const files = readdirSync(join(root, 'hostplane', 'v1'))
    .filter((f) => f.endsWith('.proto'))
    .map((f) => `hostplane/v1/${f}`);
  return protoLoader.loadSync([...files, healthProtoPath], { includeDirs: [root], keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
}
