import { ENV } from '../api-helpers.js';
import type { BadCase } from './bad-cases.js';

/** Bad administration requests (bad-input.test.ts "administration"). */
export const ADMIN_CASES: BadCase[] = [
  {
    name: 'cleanup of an unknown partition',
    method: 'DELETE',
    url: `${ENV}/partitions/cleanupalldata`,
    body: ['usmf~9~99'],
    status: 404,
    code: 'partition_not_found',
  },
  {
    name: 'cleanup of a known and an unknown partition',
    method: 'DELETE',
    url: `${ENV}/partitions/cleanupalldata`,
    body: ['usmf~1~11', 'nope'],
    status: 404,
    code: 'partition_not_found',
  },
  {
    name: 'cleanup with an object body',
    method: 'DELETE',
    url: `${ENV}/partitions/cleanupalldata`,
    body: { id: 'usmf~1~11' },
    status: 400,
    code: 'invalid_type',
    path: '',
  },
  {
    name: 'cleanup with an empty list',
    method: 'DELETE',
    url: `${ENV}/cleanupalldata`,
    body: [],
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'ledger with limit=0',
    method: 'GET',
    url: `${ENV}/ledger?limit=0`,
    status: 400,
    code: 'invalid_request',
    path: 'query:limit',
  },
];
