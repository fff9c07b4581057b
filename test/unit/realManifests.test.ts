/**
 * Tried as a new user would: every manifest of the Flagger and Argo Rollouts repositories that defines one of their
 * kinds (docs, examples, end-to-end tests; test/fixtures/real/SOURCE says which release), each directory as a
 * workspace. The valid files are clean: every error and warning is one of the reviewed true positives in
 * test/fixtures/real/expected.json (a docs snippet elided with `...`, a Linkerd-incompatible Istio example, …), each
 * with its reason; a new one fails, and so does a reviewed one that is gone (the list stays true).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readExpected, runCorpus } from '../corpus/realManifests';

test('the real Flagger and Argo Rollouts manifests: no error or warning but the reviewed true positives', () => {
  const run = runCorpus();
  const expected = readExpected();
  assert.ok(run.files >= 800 && run.deliveryFiles >= 300, `${run.files} files, ${run.deliveryFiles} with our kinds`);
  const unexpected = [...run.findings].filter(([k]) => !(k in expected)).map(([k, m]) => `${k}  ${m}`);
  assert.deepEqual(unexpected, [], 'new errors or warnings on real manifests (false positives, or review them into expected.json)');
  const gone = Object.keys(expected).filter((k) => !run.findings.has(k));
  assert.deepEqual(gone, [], 'reviewed findings that are no longer reported: remove them from expected.json');
  const unreviewed = Object.entries(expected).filter(([, why]) => why === 'TODO' || why.length < 10).map(([k]) => k);
  assert.deepEqual(unreviewed, [], 'every expected finding says why it is a true positive');
});
