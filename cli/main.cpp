// vpcsim command line: parses arguments, calls the libraries, maps results to exit codes.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "reports/capacity_report.h"
#include "reports/describe_report.h"
#include "reports/reach_report.h"
#include "reports/scenario_report.h"
#include "reports/verify_report.h"
#include "sim/capacity.h"
#include "sim/query.h"
#include "sim/scenario_runner.h"
#include "sim/verify.h"
#include "topology/capacity_plan.h"
#include "topology/cloudformation.h"
#include "topology/generator.h"
#include "topology/snapshot_writer.h"
#include "topology/loader.h"
#include "topology/naa_scope.h"
#include "topology/scenario.h"

namespace {

using namespace vpcsim;

constexpr int kExitReachable = 0;
constexpr int kExitUnreachable = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUndetermined = 3;
constexpr int kExitPartial = 4;

struct Inputs {
  std::vector<std::string> snapshots;
  std::vector<std::string> topologies;
  std::vector<topology::StackSpec> stacks;  ///< filled before CLI11 parsing, see extractStacks()
  std::string region = "us-east-1";
  std::string account = "123456789012";
};

void addInputOptions(CLI::App& command, Inputs& inputs) {
  command.add_option("--snapshot", inputs.snapshots, "folder of saved `aws ec2 describe-*` JSON (any depth)");
  command.add_option("--topology", inputs.topologies, "vpcsim native topology file (YAML or JSON)");
  // --template / --stack-name / --parameter-overrides are order-dependent and
  // taken out of argv by extractStacks(); they are listed here for --help.
  command.add_option("--template")->description("CloudFormation template (YAML or JSON); repeat for several stacks");
  command.add_option("--stack-name")->description("name of the template just before (default: its base name)");
  command.add_option("--parameter-overrides")->description("K=V ... for the template just before; V may be @STACK.OUTPUT");
  command.add_option("--region", inputs.region, "region where the input does not say")->capture_default_str();
  command.add_option("--account", inputs.account, "account where the input does not say")->capture_default_str();
}

/// Loads every input into one topology; prints diagnostics and returns false on error.
bool load(const Inputs& inputs, topology::Topology& topo) {
  topology::LoadOptions options{inputs.region, inputs.account};
  topo.default_region = inputs.region;
  topo.default_account = inputs.account;
  std::vector<topology::Diagnostic> errors;
  if (inputs.snapshots.empty() && inputs.topologies.empty() && inputs.stacks.empty()) {
    std::cerr << "error: no input: give --snapshot DIR, --topology FILE or --template FILE\n";
    return false;
  }
  bool ok = true;
  if (!inputs.stacks.empty()) ok = topology::loadStacks(inputs.stacks, options, topo, errors) && ok;
  for (const auto& dir : inputs.snapshots) ok = topology::loadSnapshot(dir, options, topo, errors) && ok;
  for (const auto& file : inputs.topologies) ok = topology::loadNativeTopology(file, options, topo, errors) && ok;
  for (const auto& error : errors) std::cerr << error.str() << "\n";
  if (!ok && errors.empty()) std::cerr << "error: the input could not be loaded\n";
  topo.finalize();
  return ok;
}

int exitCode(sim::Verdict verdict) {
  switch (verdict) {
    case sim::Verdict::kReachable: return kExitReachable;
    case sim::Verdict::kUnreachable: return kExitUnreachable;
    case sim::Verdict::kUndetermined: return kExitUndetermined;
    case sim::Verdict::kPartial: return kExitPartial;
  }
  return kExitUndetermined;
}

/// Takes the order-dependent stack options out of `args`: each `--template
/// FILE` starts a stack; `--stack-name` and `--parameter-overrides K=V ...`
/// (values up to the next option) apply to the template before them.
/// Returns an error message, empty on success.
std::string extractStacks(std::vector<std::string>& args, std::vector<topology::StackSpec>& stacks) {
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](const std::string& option) -> std::optional<std::string> {
      if (arg.rfind(option + "=", 0) == 0) return arg.substr(option.size() + 1);
      if (arg == option && i + 1 < args.size()) return args[++i];
      return std::nullopt;
    };
    if (arg == "--template" || arg.rfind("--template=", 0) == 0) {
      auto file = value("--template");
      if (!file) return "--template needs a file";
      topology::StackSpec spec;
      spec.file = *file;
      stacks.push_back(spec);
    } else if (arg == "--stack-name" || arg.rfind("--stack-name=", 0) == 0) {
      auto name = value("--stack-name");
      if (!name) return "--stack-name needs a name";
      if (stacks.empty()) return "--stack-name must follow the --template it names";
      stacks.back().stack_name = *name;
    } else if (arg == "--parameter-overrides") {
      if (stacks.empty()) return "--parameter-overrides must follow the --template it applies to";
      while (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) {
        const std::string& pair = args[++i];
        size_t eq = pair.find('=');
        if (eq == std::string::npos || eq == 0) return "parameter override '" + pair + "' is not KEY=VALUE";
        stacks.back().parameter_overrides.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
      }
    } else {
      rest.push_back(arg);
    }
  }
  args = std::move(rest);
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::vector<topology::StackSpec> stacks;
  if (std::string error = extractStacks(args, stacks); !error.empty()) {
    std::cerr << "error: " << error << "\n";
    return kExitUsage;
  }
  CLI::App app{"vpcsim: offline reachability and IP-capacity simulator for AWS VPCs"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "vpcsim 0.1.0");

  // reach
  Inputs reach_inputs;
  sim::ReachQuery query;
  std::string reach_output = "text";
  std::string security_groups;
  int port = -1;
  int source_port = -1;
  int icmp_type = -1;
  int icmp_code = -1;
  auto* reach = app.add_subcommand("reach", "trace traffic from a source to a destination, both ways");
  addInputOptions(*reach, reach_inputs);
  reach->add_option("--from", query.from, "source: eni-, i-, ip:A, subnet:REF, internet, notebook:D[/P], job:N")->required();
  reach->add_option("--to", query.to, "destination: ip:A, eni-, i-, internet, pypi, service:NAME, host:NAME, notebook:, job:")
      ->required();
  reach->add_option("--protocol", query.protocol, "tcp, udp, icmp, any, or a protocol number (default tcp)");
  reach->add_option("--port", port, "destination port (default 443)")->check(CLI::Range(0, 65535));
  reach->add_option("--source-port", source_port, "client's ephemeral source port (default 49152)")
      ->check(CLI::Range(0, 65535));
  reach->add_option("--icmp-type", icmp_type, "ICMP type (default 8, echo request)")->check(CLI::Range(0, 255));
  reach->add_option("--icmp-code", icmp_code, "ICMP code (default 0)")->check(CLI::Range(0, 255));
  reach->add_option("--security-groups", security_groups, "comma-separated SGs for a subnet: source");
  reach->add_option("--output", reach_output, "text or json")->check(CLI::IsMember({"text", "json"}));

  // verify
  Inputs verify_inputs;
  std::vector<std::string> internet_free;
  std::vector<std::string> scope_files;
  std::vector<std::string> builtin_scopes;
  std::string verify_output = "text";
  auto* verify = app.add_subcommand("verify", "check a guarantee over every packet and every source interface");
  addInputOptions(*verify, verify_inputs);
  verify->add_option("--internet-free", internet_free,
                     "sources that must not reach the internet: subnet:REF, subnet-, eni-, notebook:D[/P], job:N");
  verify->add_option("--scope", scope_files, "Network Access Analyzer scope JSON file (repeatable)");
  verify->add_option("--builtin", builtin_scopes,
                     "Amazon-created scope: igw-ingress, igw-egress, vpc-ingress, vpc-egress (repeatable)");
  bool class_by_class = false;
  verify->add_flag("--class-by-class", class_by_class,
                   "trace every class on its own (the reference engine: the same report, far slower)");
  verify->add_option("--output", verify_output, "text, json, sarif or junit")
      ->check(CLI::IsMember({"text", "json", "sarif", "junit"}));

  // capacity
  Inputs capacity_inputs;
  std::string plan_file;
  std::string capacity_output = "text";
  int months = -1;
  int trials = -1;
  int64_t capacity_seed = -1;
  bool whitepaper = false;
  auto* capacity = app.add_subcommand("capacity", "project address use per subnet and AZ, and size subnets");
  addInputOptions(*capacity, capacity_inputs);
  capacity->add_option("--plan", plan_file, "growth plan (YAML, see docs/capacity.md)");
  capacity->add_option("--months", months, "horizon in months (default: the plan's)")->check(CLI::Range(1, 600));
  capacity->add_option("--trials", trials, "Monte Carlo trials (0: analytic only)")->check(CLI::Range(0, 10000000));
  capacity->add_option("--seed", capacity_seed, "Monte Carlo seed")->check(CLI::Range(int64_t{0}, INT64_MAX));
  capacity->add_option("--output", capacity_output, "text, json or csv")->check(CLI::IsMember({"text", "json", "csv"}));
  capacity->add_flag("--whitepaper", whitepaper,
                     "reproduce the SageMaker Studio Administration Best Practices network example");

  // describe
  Inputs describe_inputs;
  std::string describe_output = "text";
  auto* describe = app.add_subcommand("describe", "inventory of what was loaded and what was ignored");
  addInputOptions(*describe, describe_inputs);
  describe->add_option("--output", describe_output, "text or json")->check(CLI::IsMember({"text", "json"}));

  // generate
  topology::GeneratorOptions generator;
  std::string out_dir;
  auto* generate = app.add_subcommand("generate", "write a synthetic snapshot folder in AWS JSON form");
  generate->add_option("--enis", generator.enis, "number of workload network interfaces")->required()->check(CLI::Range(1, 10000000));
  generate->add_option("--subnets", generator.subnets, "number of subnets (default enis/50)")->check(CLI::Range(0, 1000000));
  generate->add_option("--security-groups", generator.security_groups, "number of security groups (default enis/20)")
      ->check(CLI::Range(0, 1000000));
  generate->add_option("--seed", generator.seed, "random seed")->capture_default_str();
  generate->add_option("--out", out_dir, "output folder")->required();

  // run
  std::string run_file;
  std::string run_output = "text";
  std::string run_report;
  auto* run = app.add_subcommand("run", "run a scenario file: every check in every variant");
  run->add_option("SCENARIO", run_file, "scenario file (YAML, see docs/scenario-format.md)")->required();
  run->add_option("--output", run_output, "text, json or junit")->check(CLI::IsMember({"text", "json", "junit"}));
  run->add_option("--report", run_report, "HTML report file (not implemented yet)");

  // diff
  std::string diff_file;
  std::string diff_from;
  std::string diff_to;
  std::string diff_output = "text";
  auto* diff = app.add_subcommand("diff", "flows and checks whose verdict changes between two variants of a scenario");
  diff->add_option("SCENARIO", diff_file, "scenario file (YAML, see docs/scenario-format.md)")->required();
  diff->add_option("--from", diff_from, "the variant before (e.g. baseline)")->required();
  diff->add_option("--to", diff_to, "the variant after")->required();
  diff->add_option("--output", diff_output, "text or json")->check(CLI::IsMember({"text", "json"}));

  reach_inputs.stacks = stacks;
  describe_inputs.stacks = stacks;
  verify_inputs.stacks = stacks;
  capacity_inputs.stacks = stacks;
  try {
    std::reverse(args.begin(), args.end());  // CLI11 takes the vector in reverse order
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }

  if (reach->parsed()) {
    if (port >= 0) query.port = port;
    if (source_port >= 0) query.source_port = source_port;
    if (icmp_type >= 0) query.icmp_type = icmp_type;
    if (icmp_code >= 0) query.icmp_code = icmp_code;
    for (size_t start = 0; !security_groups.empty() && start <= security_groups.size();) {
      size_t comma = security_groups.find(',', start);
      std::string item = security_groups.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!item.empty()) query.security_groups.push_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    topology::Topology topo;
    if (!load(reach_inputs, topo)) return kExitUsage;
    sim::Network network(topo);
    auto report = sim::reach(network, query);
    if (!report) {
      std::cerr << "error: " << report.error() << "\n";
      return kExitUsage;
    }
    std::cout << (reach_output == "json" ? reports::reachJson(*report) : reports::reachText(*report));
    return exitCode(report->verdict);
  }
  if (verify->parsed()) {
    if (internet_free.empty() && scope_files.empty() && builtin_scopes.empty()) {
      std::cerr << "error: verify needs --internet-free SRC..., --scope FILE or --builtin NAME\n";
      return kExitUsage;
    }
    // Scopes are read before the network: a bad scope fails fast.
    std::vector<topology::NaaScope> scopes;
    for (const auto& file : scope_files) {
      auto scope = topology::loadNaaScope(file);
      if (!scope) {
        std::cerr << scope.error() << "\n";
        return kExitUsage;
      }
      scopes.push_back(std::move(scope).value());
    }
    for (const auto& name : builtin_scopes) {
      auto scope = topology::builtinNaaScope(name);
      if (!scope) {
        std::cerr << "error: --builtin: " << scope.error() << "\n";
        return kExitUsage;
      }
      scopes.push_back(std::move(scope).value());
    }
    topology::Topology topo;
    if (!load(verify_inputs, topo)) return kExitUsage;
    sim::Network network(topo);
    sim::VerifyOptions verify_options;
    verify_options.factored = !class_by_class;
    verify_options.skip_other_estates = !class_by_class;
    std::vector<sim::VerifyReport> reports;
    if (!internet_free.empty()) {
      auto report = sim::verifyInternetFree(network, internet_free, verify_options);
      if (!report) {
        std::cerr << "error: " << report.error() << "\n";
        return kExitUsage;
      }
      reports.push_back(std::move(report).value());
    }
    for (const auto& scope : scopes) {
      auto report = sim::verifyScope(network, scope, verify_options);
      if (!report) {
        std::cerr << "error: " << report.error() << "\n";
        return kExitUsage;
      }
      reports.push_back(std::move(report).value());
    }
    if (verify_output == "json") {
      std::cout << reports::verifyJson(reports);
    } else if (verify_output == "sarif") {
      std::cout << reports::verifySarif(reports);
    } else if (verify_output == "junit") {
      std::cout << reports::verifyJunit(reports);
    } else {
      std::cout << reports::verifyText(reports);
    }
    switch (reports::overallVerdict(reports)) {
      case sim::Verdict::kUnreachable: return 0;
      case sim::Verdict::kReachable: return 1;
      case sim::Verdict::kUndetermined:
      case sim::Verdict::kPartial: break;
    }
    return kExitUndetermined;
  }
  if (capacity->parsed()) {
    if (whitepaper) {
      std::cout << reports::whitepaperText(sim::whitepaperExample());
      return 0;
    }
    if (plan_file.empty()) {
      std::cerr << "error: capacity needs --plan FILE (or --whitepaper)\n";
      return kExitUsage;
    }
    topology::CapacityPlan plan;
    std::vector<topology::Diagnostic> errors;
    if (!topology::loadCapacityPlan(plan_file, plan, errors)) {
      for (const auto& error : errors) std::cerr << error.str() << "\n";
      return kExitUsage;
    }
    topology::Topology topo;
    if (!load(capacity_inputs, topo)) return kExitUsage;
    sim::CapacityOptions options;
    if (months > 0) options.horizon_months = months;
    if (trials >= 0) options.trials = trials;
    if (capacity_seed >= 0) options.seed = static_cast<uint64_t>(capacity_seed);
    sim::CapacityProjection projection = sim::projectCapacity(topo, plan, options);
    if (!projection.errors.empty()) {
      for (const auto& error : projection.errors) std::cerr << error << "\n";
      return kExitUsage;
    }
    if (capacity_output == "json") {
      std::cout << reports::capacityJson(projection);
    } else if (capacity_output == "csv") {
      std::cout << reports::capacityCsv(projection);
    } else {
      std::cout << reports::capacityText(projection);
    }
    return 0;
  }
  if (describe->parsed()) {
    topology::Topology topo;
    if (!load(describe_inputs, topo)) return kExitUsage;
    std::cout << (describe_output == "json" ? reports::describeJson(topo) : reports::describeText(topo));
    return 0;
  }
  if (run->parsed() || diff->parsed()) {
    if (!stacks.empty()) {
      std::cerr << "error: --template is not an option of " << (run->parsed() ? "run" : "diff")
                << "; list stacks in the scenario file\n";
      return kExitUsage;
    }
    topology::Scenario scenario;
    std::vector<topology::Diagnostic> errors;
    auto fail = [&]() {
      for (const auto& error : errors) std::cerr << error.str() << "\n";
      return kExitUsage;
    };
    if (!topology::loadScenario(run->parsed() ? run_file : diff_file, scenario, errors)) return fail();
    if (run->parsed()) {
      if (!run_report.empty()) std::cerr << "note: --report (HTML) is not implemented yet; no report written\n";
      sim::ScenarioRun result;
      if (!sim::runScenario(scenario, result, errors)) return fail();
      if (run_output == "json") {
        std::cout << reports::scenarioJson(result);
      } else if (run_output == "junit") {
        std::cout << reports::scenarioJunit(result);
      } else {
        std::cout << reports::scenarioText(result);
      }
      return result.passed() ? 0 : 1;
    }
    sim::ScenarioDiff result;
    if (!sim::diffVariants(scenario, diff_from, diff_to, result, errors)) return fail();
    std::cout << (diff_output == "json" ? reports::diffJson(result) : reports::diffText(result));
    return result.empty() ? 0 : 1;
  }
  if (generate->parsed()) {
    topology::Topology topo = topology::generateTopology(generator);
    std::vector<topology::Diagnostic> errors;
    if (!topology::writeSnapshot(topo, out_dir, errors)) {
      for (const auto& error : errors) std::cerr << error.str() << "\n";
      return kExitUsage;
    }
    std::cout << "wrote " << topo.enis.size() << " network interfaces, " << topo.subnets.size() << " subnets, "
              << topo.security_groups.size() << " security groups to " << out_dir << "\n";
    return 0;
  }
  return kExitUsage;
}
