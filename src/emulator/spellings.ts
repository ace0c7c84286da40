/**
 * Error bodies in the spelling of another spec generation. The routes answer in the 2021-03 and
 * 2023-09 spelling; under `variance` each answer may come in the 2024-11 one instead, as a real
 * account may answer either:
 *
 *   404  `…/docs/resourcenot_found` with `name` (2021-03, 2023-09), or
 *        `…/reference/resource-not-found` with `name` (the 2024-11 example) or without it (its
 *        schema does not require `name`)
 *   400  `…/docs/authenticationinvalid_credentials` (2021-03, 2023-09), or
 *        `…/reference/authentication-invalid-user-credentials` (2024-11)
 *
 * The choice is a function of the seed and the request, so a request is always answered alike.
 */
import type { Reply } from './problems.js';
import { ASPECT, type Variance } from './variance.js';

const NOT_FOUND_LEGACY = 'https://docs.api.video/docs/resourcenot_found';
const NOT_FOUND_2024 = 'https://docs.api.video/reference/resource-not-found';
const CREDENTIALS_LEGACY = 'https://docs.api.video/docs/authenticationinvalid_credentials';
const CREDENTIALS_2024 = 'https://docs.api.video/reference/authentication-invalid-user-credentials';

type Problem = Record<string, unknown>;

const NOT_FOUND_SPELLINGS: Array<(body: Problem) => Problem> = [
  (body) => body,
  (body) => ({ ...body, type: NOT_FOUND_2024 }),
  ({ name: _name, ...body }) => ({ ...body, type: NOT_FOUND_2024 }),
];

const CREDENTIALS_SPELLINGS: Array<(body: Problem) => Problem> = [
  (body) => body,
  (body) => ({ ...body, type: CREDENTIALS_2024 }),
];

export function respell(answer: Reply, variance: Variance, requestId: number): Reply {
  if (!variance.enabled || answer.status < 400) return answer;
  const body = answer.body as Problem;
  const spellings =
    body.type === NOT_FOUND_LEGACY
      ? NOT_FOUND_SPELLINGS
      : body.type === CREDENTIALS_LEGACY
        ? CREDENTIALS_SPELLINGS
        : undefined;
  if (!spellings) return answer;
  const spell = variance.pick(spellings, ASPECT.spelling, requestId);
  return { ...answer, body: spell(body) };
}
