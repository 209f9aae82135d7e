// `vpcsim access` at estate scale (issue 13, deliverable 5): P roles x A
// actions x S subnets through one SSM interface endpoint with a policy.
// The network is traced once per source; every principal and action is then
// decided once per context class of the paths found.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "formats/loader.h"
#include "sim/access_matrix.h"

namespace {

using vpcsim::topology::Topology;

// A native topology: one VPC, `subnets` /24 subnets (the first holds the
// endpoint), an SSM endpoint whose policy denies ssm:Delete* to all but
// role-0, and `roles` roles, each allowed ssm:Get* and ssm:Put* (odd roles
// only with aws:SourceVpce set, so conditions are read; with
// `read_address`, only from 10.0.0.0/8 by aws:VpcSourceIp, which makes
// every source a context class of its own: the worst case).
std::string topologyText(int subnets, int roles, bool read_address) {
  std::string out = "region: us-east-1\naccount: \"111122223333\"\nvpcs:\n  - {id: vpc-1, cidr: 10.0.0.0/8}\nsubnets:\n";
  for (int i = 0; i < subnets; ++i) {
    out += fmt::format("  - {{id: subnet-{}, az: us-east-1a, cidr: 10.{}.{}.0/24}}\n", i, i / 256, i % 256);
  }
  out += "security_groups:\n  - {id: sg-all, egress: [{protocol: all, cidr: 0.0.0.0/0}],"
         " ingress: [{protocol: tcp, ports: 443, cidr: 10.0.0.0/8}]}\n";
  out += "vpc_endpoints:\n  - id: vpce-ssm\n    service: com.amazonaws.us-east-1.ssm\n    type: interface\n"
         "    subnets: [subnet-0]\n    security_groups: [sg-all]\n    private_dns: true\n"
         "    policy: '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
         "\"Action\":\"*\",\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"ssm:Delete*\","
         "\"Resource\":\"*\",\"Condition\":{\"ArnNotEquals\":{\"aws:PrincipalArn\":"
         "\"arn:aws:iam::111122223333:role/role-0\"}}}]}'\n";
  out += "iam:\n  roles:\n";
  for (int i = 0; i < roles; ++i) {
    std::string condition = i % 2 == 0  ? ""
                            : read_address ? ", Condition: {IpAddress: {\"aws:VpcSourceIp\": 10.0.0.0/8}}"
                                           : ", Condition: {StringEquals: {aws:SourceVpce: vpce-ssm}}";
    out += fmt::format("    - name: role-{}\n      inline_policies:\n        - name: p\n          document: "
                       "{{Version: \"2012-10-17\", Statement: [{{Effect: Allow, Action: [\"ssm:Get*\", \"ssm:Put*\"], "
                       "Resource: \"*\"{}}}]}}\n",
                       i, condition);
  }
  return out;
}

void BM_AccessMatrix(benchmark::State& state) {
  const int roles = static_cast<int>(state.range(0));
  const int actions = static_cast<int>(state.range(1));
  const int subnets = static_cast<int>(state.range(2));
  const bool read_address = state.range(3) != 0;
  auto path = std::filesystem::temp_directory_path() / fmt::format("vpcsim-access-bench-{}.yaml", roles);
  std::ofstream(path) << topologyText(subnets, roles, read_address);
  Topology topo;
  std::vector<vpcsim::topology::Diagnostic> errors;
  if (!vpcsim::formats::loadNativeTopology(path, vpcsim::formats::LoadOptions{}, topo, errors)) {
    state.SkipWithError(errors.empty() ? "load failed" : errors.front().str().c_str());
    return;
  }
  topo.finalize();
  vpcsim::sim::Network network(topo);
  vpcsim::sim::AccessMatrixQuery query;
  for (int i = 0; i < subnets; ++i) query.from.push_back(fmt::format("subnet:subnet-{}", i));
  query.to = "service:ssm";
  query.security_groups = {"sg-all"};
  const std::vector<std::string> verbs = {"Get", "Put", "Delete", "Describe", "List"};
  for (int i = 0; i < actions; ++i) query.actions.push_back(fmt::format("ssm:{}Thing{}", verbs[static_cast<std::size_t>(i) % verbs.size()], i));
  std::size_t cells = 0;
  std::size_t decisions = 0;
  for (auto _ : state) {
    auto report = vpcsim::sim::accessMatrix(network, query);
    if (!report) {
      state.SkipWithError(report.error().c_str());
      return;
    }
    cells = report->cellCount();
    decisions = report->decisions.size();
    benchmark::DoNotOptimize(cells);
  }
  state.counters["cells"] = static_cast<double>(cells);
  state.counters["decisions"] = static_cast<double>(decisions);
  state.counters["cells_per_s"] =
      benchmark::Counter(static_cast<double>(cells), benchmark::Counter::kIsIterationInvariantRate);
  std::filesystem::remove(path);
}
// Arguments: roles, actions, subnets, whether a policy reads aws:VpcSourceIp.
BENCHMARK(BM_AccessMatrix)
    ->Args({10, 5, 10, 0})
    ->Args({100, 10, 10, 0})
    ->Args({1000, 50, 10, 0})
    ->Args({1000, 50, 100, 0})
    ->Args({100, 10, 10, 1})
    ->Args({1000, 50, 10, 1})
    ->Args({1000, 50, 100, 1})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
