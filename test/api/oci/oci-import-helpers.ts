import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { Harness } from '../../support/harness.js';

export const IMPORTS = '/inventory/impex/v1/organizations/test/availability-records/imports';

/** A multipart/form-data body with the file in the part `fileUpload`, as OCI clients send it. */
export function multipart(
  file: Buffer,
  name = 'fileUpload',
  fileName = 'oci.json',
): { body: Buffer; contentType: string } {
  const boundary = `----onhand${randomUUID().replaceAll('-', '')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${fileName}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    body: Buffer.concat([head, file, tail]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** Every location the import tests name, in the location graph of `test` (records need their location). */
export const IMPORT_LOCATIONS = [
  ...Array.from({ length: 40 }, (_, i) => `loc-${i}`),
  'wickenburg',
  'prescott',
  'store-a',
  'store-b',
  'store-c',
];

/** The location graph the import tests need. */
export const IMPORT_GRAPH = {
  locations: IMPORT_LOCATIONS,
  groups: [{ id: 'all', locations: IMPORT_LOCATIONS }],
};

/** Initiates an import (after installing the test graph); returns its answer. */
export async function initiate(h: Harness, body: Record<string, unknown> = { fileName: 'oci.json' }) {
  const graph = await h.request('PUT', '/inventory/impex/v1/organizations/test/location-graph', IMPORT_GRAPH);
  if (graph.statusCode !== 200) throw new Error(`graph: ${graph.statusCode} ${graph.body}`);
  const res = await h.request('POST', IMPORTS, body);
  if (res.statusCode !== 200) throw new Error(`initiate: ${res.statusCode} ${res.body}`);
  return res.json() as { importId: string; uploadLink: string; importStatusLink: string };
}

/** Posts a file to an upload link. */
export function upload(
  h: Harness,
  link: string,
  file: Buffer,
  token?: string,
): Promise<LightMyRequestResponse> {
  const { body, contentType } = multipart(file);
  return h.app.inject({
    method: 'POST',
    url: link,
    headers: { authorization: `Bearer ${token ?? h.adminToken}`, 'content-type': contentType },
    payload: body,
  });
}

/** On hand of a SKU at an OCI location, through the IV API (the default place rule: usmf, site = location). */
export async function ivOnHand(h: Harness, sku: string, location: string): Promise<number> {
  const res = await h.request(
    'GET',
    `/api/environment/test/onhand?organizationId=usmf&productId=${sku}&siteId=${location}&locationId=${location}`,
  );
  const rows = res.json() as { quantities: { iom?: { onhand?: number } } }[];
  return rows.reduce((sum, r) => sum + Number(r.quantities.iom?.onhand ?? 0), 0);
}
