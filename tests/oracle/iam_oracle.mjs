// External test oracle for vpcsim's IAM policy engine (tests/policy/oracle_test.cpp).
// Reads one JSON case per line on stdin and writes one JSON line per case on
// stdout with the decision of @cloud-copilot/iam-simulate (version pinned in
// package.json / package-lock.json). This script only calls the package's
// public API (runSimulation); none of its code is copied here.
//
// Input line:
//   {"id": 7,
//    "policies": {"identity": [DOC...], "endpoint": DOC, "resource": DOC,
//                 "scp": [[DOC...] per level, root first], "rcp": [DOC...],
//                 "boundary": [DOC...]},           (every kind optional)
//    "request": {"principal": "arn:aws:iam::111111111111:user/alice",
//                "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
//                "resourceAccount": "111111111111",
//                "context": {"aws:SourceVpc": "vpc-1", "aws:TagKeys": ["a"]}}}
// Output line:
//   {"id": 7, "decision": "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied"}
//   {"id": 7, "error": "..."}   (the package rejected the case)
import { createInterface } from 'node:readline'
import { runSimulation } from '@cloud-copilot/iam-simulate'

function named(prefix, docs) {
  return (docs ?? []).map((policy, i) => ({ name: `${prefix}${i}`, policy }))
}

function simulationOf(input) {
  const p = input.policies ?? {}
  const r = input.request
  const simulation = {
    request: {
      principal: r.principal,
      action: r.action,
      resource: { resource: r.resource, accountId: r.resourceAccount },
      contextVariables: r.context ?? {}
    },
    identityPolicies: named('identity', p.identity),
    serviceControlPolicies: (p.scp ?? []).map((level, i) => ({
      orgIdentifier: `scp-level-${i}`,
      policies: named(`scp${i}-`, level)
    })),
    resourceControlPolicies: p.rcp ? [{ orgIdentifier: 'rcp-level-0', policies: named('rcp', p.rcp) }] : []
  }
  if (p.resource) simulation.resourcePolicy = p.resource
  if (p.boundary) simulation.permissionBoundaryPolicies = named('boundary', p.boundary)
  if (p.endpoint) simulation.vpcEndpointPolicies = [{ name: 'endpoint', policy: p.endpoint }]
  return simulation
}

async function answer(line) {
  let input
  try {
    input = JSON.parse(line)
  } catch (e) {
    return { id: null, error: `bad JSON: ${e.message}` }
  }
  try {
    const result = await runSimulation(simulationOf(input), {})
    if (result.resultType === 'error') return { id: input.id, error: JSON.stringify(result.errors) }
    return { id: input.id, decision: result.overallResult }
  } catch (e) {
    return { id: input.id, error: `exception: ${e.message}` }
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (line.trim() === '') continue
  process.stdout.write(JSON.stringify(await answer(line)) + '\n')
}
