import type { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';
import type { FastifyRequest } from 'fastify';
import { MAX_UPLOAD_BYTES } from '../../../../engine/oci/imports/oci-imports.js';
import { OciProblem } from '../../oci-problem.js';

/**
 * The file of a multipart/form-data upload, as a stream read straight from the request: its first file
 * part (real clients name it `fileUpload`; the specification does not name it). Later parts are
 * discarded. Refuses a request without a file part.
 */
export async function uploadedFile(request: FastifyRequest): Promise<Readable> {
  return (await uploadedPart(request)).stream;
}

/** The file part of an upload with the name and content type its part header gives. */
export interface UploadedPart {
  readonly stream: Readable;
  readonly fileName: string;
  readonly mimeType: string;
}

/** uploadedFile with the part's file name and content type. */
export function uploadedPart(request: FastifyRequest): Promise<UploadedPart> {
  const type = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    return Promise.reject(
      new OciProblem(
        400,
        'InvalidRequestParameter',
        'Send the file as multipart/form-data, part fileUpload.',
      ),
    );
  }
  return new Promise((resolve, reject) => {
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({
        headers: { ...request.headers, 'content-type': type },
        limits: { fileSize: MAX_UPLOAD_BYTES + 1, files: 5 },
      });
    } catch (error) {
      reject(new OciProblem(400, 'InvalidRequestParameter', `Unreadable multipart body: ${String(error)}`));
      return;
    }
    let found: Readable | undefined;
    parser.on('file', (_name, stream, fileName, _encoding, mimeType) => {
      if (found) {
        stream.resume();
        return;
      }
      found = stream;
      resolve({ stream, fileName: fileName ?? '', mimeType: mimeType ?? '' });
    });
    parser.on('error', (error) => {
      const problem = new OciProblem(
        400,
        'InvalidRequestParameter',
        `Unreadable multipart body: ${String(error)}`,
      );
      if (found) found.destroy(problem);
      else reject(problem);
    });
    parser.on('finish', () => {
      if (!found)
        reject(new OciProblem(400, 'InvalidRequestParameter', 'The request has no file part (fileUpload).'));
    });
    request.raw.pipe(parser);
  });
}
