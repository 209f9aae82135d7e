// vpcsim command line: parses arguments, calls the libraries, maps results to exit codes.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <new>
#include <optional>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "reports/capacity_report.h"
#include "reports/describe_report.h"
#include "reports/diagram.h"
#include "reports/html_report.h"
#include "reports/markdown_report.h"
#include "reports/presigned_report.h"
#include "reports/reach_report.h"
#include "reports/scenario_report.h"
#include "reports/verify_report.h"
#include "capacity/capacity.h"
#include "sim/query.h"
#include "scenario/runner.h"
#include "sim/verify/verify.h"
#include "formats/number_text.h"
#include "formats/plan_file.h"
#include "formats/cloudformation.h"
#include "formats/generator.h"
#include "formats/snapshot_writer.h"
#include "formats/loader.h"
#include "formats/scope_file.h"
#include "scenario/scenario.h"
#include "topology/ip.h"
#include "topology/limits.h"
#include "topology/safe_text.h"

namespace {

using namespace vpcsim;

/// What a command answered. The exit status is a function of this alone:
/// exitStatus() is the one table (README, "Exit status").
enum class Outcome {
  kReachable,      ///< reach: every source reaches the destination
  kUnreachable,    ///< reach: none does
  kPartial,        ///< reach: some do, some do not
  kUndetermined,   ///< reach or verify: the input cannot settle it
  kHolds,          ///< verify: no finding
  kFindings,       ///< verify: findings
  kPassed,         ///< run: every expectation holds; diff: nothing changes
  kFailed,         ///< run: an expectation fails; diff: something changes
  kDone,           ///< describe, capacity, generate, --help, --version
  kInputError,     ///< bad usage or bad input (a diagnostic was printed)
};

int exitStatus(Outcome outcome) {
  switch (outcome) {
    case Outcome::kReachable:
    case Outcome::kHolds:
    case Outcome::kPassed:
    case Outcome::kDone: return 0;
    case Outcome::kUnreachable:
    case Outcome::kFindings:
    case Outcome::kFailed: return 1;
    case Outcome::kInputError: return 2;
    case Outcome::kUndetermined: return 3;
    case Outcome::kPartial: return 4;
  }
  return 2;
}

Outcome reachOutcome(sim::Verdict verdict) {
  switch (verdict) {
    case sim::Verdict::kReachable: return Outcome::kReachable;
    case sim::Verdict::kUnreachable: return Outcome::kUnreachable;
    case sim::Verdict::kUndetermined: return Outcome::kUndetermined;
    case sim::Verdict::kPartial: return Outcome::kPartial;
  }
  return Outcome::kUndetermined;
}

/// Prints `diagnostics` to stderr, one per line; the input error outcome.
Outcome fail(const std::vector<topology::Diagnostic>& diagnostics) {
  for (const auto& diagnostic : diagnostics) std::cerr << diagnostic.str() << "\n";
  return Outcome::kInputError;
}
Outcome fail(const topology::Diagnostic& diagnostic) { return fail(std::vector<topology::Diagnostic>{diagnostic}); }
/// A usage error without a place: "error: MESSAGE".
Outcome usage(std::string message) { return fail(topology::Diagnostic{"usage", std::move(message), ""}); }

struct Inputs {
  std::vector<std::string> snapshots;
  std::vector<std::string> topologies;
  std::vector<formats::StackSpec> stacks;  ///< filled before CLI11 parsing, see extractStacks()
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
  formats::LoadOptions options{inputs.region, inputs.account};
  topo.default_region = inputs.region;
  topo.default_account = inputs.account;
  std::vector<topology::Diagnostic> errors;
  if (inputs.snapshots.empty() && inputs.topologies.empty() && inputs.stacks.empty()) {
    usage("no input: give --snapshot DIR, --topology FILE or --template FILE");
    return false;
  }
  bool ok = true;
  if (!inputs.stacks.empty()) ok = formats::loadStacks(inputs.stacks, options, topo, errors) && ok;
  for (const auto& dir : inputs.snapshots) ok = formats::loadSnapshot(dir, options, topo, errors) && ok;
  for (const auto& file : inputs.topologies) ok = formats::loadNativeTopology(file, options, topo, errors) && ok;
  fail(errors);
  if (!ok && errors.empty()) usage("the input could not be loaded");
  topo.finalize();
  return ok;
}

/// Takes the order-dependent stack options out of `args`: each `--template
/// FILE` starts a stack; `--stack-name` and `--parameter-overrides K=V ...`
/// (values up to the next option) apply to the template before them.
/// Returns an error message, empty on success.
std::string extractStacks(std::vector<std::string>& args, std::vector<formats::StackSpec>& stacks) {
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
      formats::StackSpec spec;
      spec.file = *file;
      stacks.push_back(spec);
    } else if (arg == "--stack-name" || arg.rfind("--stack-name=", 0) == 0) {
      auto name = value("--stack-name");
      if (!name) return "--stack-name needs a name";
      if (stacks.empty()) return "--stack-name must follow the --template it names";
      if (!stacks.back().stack_name.empty()) {
        return fmt::format("--stack-name given twice for --template {} ('{}', then '{}')", stacks.back().file.string(),
                           stacks.back().stack_name, *name);
      }
      stacks.back().stack_name = *name;
    } else if (arg == "--parameter-overrides") {
      if (stacks.empty()) return "--parameter-overrides must follow the --template it applies to";
      while (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) {
        const std::string& pair = args[++i];
        size_t eq = pair.find('=');
        if (eq == std::string::npos || eq == 0) return "parameter override '" + pair + "' is not KEY=VALUE";
        auto& overrides = stacks.back().parameter_overrides;
        std::string key = pair.substr(0, eq);
        if (std::any_of(overrides.begin(), overrides.end(), [&](const auto& kv) { return kv.first == key; })) {
          return fmt::format("parameter override {} given twice for --template {}", key, stacks.back().file.string());
        }
        overrides.emplace_back(std::move(key), pair.substr(eq + 1));
      }
    } else {
      rest.push_back(arg);
    }
  }
  args = std::move(rest);
  return "";
}

// ---- one function per subcommand ------------------------------------------

struct ReachArgs {
  Inputs inputs;
  sim::ReachQuery query;
  std::string output = "text";
  std::string security_groups;
  bool security_groups_given = false;
  int port = -1;
  int source_port = -1;
  int icmp_type = -1;
  int icmp_code = -1;
  std::string action;     ///< --action SERVICE:Action
  std::string resource;   ///< --resource ARN
  std::string principal;  ///< --principal ARN|NAME
  std::string report;     ///< --report FILE.html
};

/// `--security-groups sg-a,sg-b` as its items; an empty item is an error.
topology::Result<std::vector<std::string>> splitGroups(const std::string& groups) {
  std::vector<std::string> items;
  if (groups.empty()) return items;
  for (size_t start = 0; start <= groups.size();) {
    size_t comma = groups.find(',', start);
    std::string item = groups.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty()) {
      return topology::Error{
          fmt::format("--security-groups '{}' has an empty item (give sg-... separated by commas)", groups)};
    }
    items.push_back(std::move(item));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

/// Options of reach that contradict each other or say nothing, as a usage
/// message; empty when there are none. Fills query.security_groups.
std::string reachOptionProblem(ReachArgs& args) {
  sim::ReachQuery& query = args.query;
  // The traffic the options describe: tcp unless --protocol says (sim/query.h).
  std::string protocol = query.protocol.empty() ? "tcp" : query.protocol;
  auto number = topology::parseProtocol(protocol);
  bool any = protocol == "any";
  bool ported = any || (number && (*number == topology::kProtocolTcp || *number == topology::kProtocolUdp));
  bool icmp = any || (number && *number == topology::kProtocolIcmp);
  std::string named = query.protocol.empty() ? "tcp (the default)" : query.protocol;
  for (auto [option, value] : {std::pair{"--port", args.port}, std::pair{"--source-port", args.source_port}}) {
    if (value >= 0 && number && !ported) return fmt::format("{} applies to tcp and udp, not --protocol {}", option, named);
  }
  for (auto [option, value] : {std::pair{"--icmp-type", args.icmp_type}, std::pair{"--icmp-code", args.icmp_code}}) {
    if (value >= 0 && number && !icmp) {
      return fmt::format("{} applies to --protocol icmp, not {}", option, named);
    }
  }
  if (!args.security_groups_given) return "";
  auto groups = splitGroups(args.security_groups);
  if (!groups) return groups.error();
  query.security_groups = std::move(*groups);
  if (query.from.rfind("subnet:", 0) != 0 && query.from.rfind("subnet-", 0) != 0) {
    return fmt::format("--security-groups applies to a subnet source (--from subnet:REF), not '{}'", query.from);
  }
  return "";
}

/// --action / --resource / --principal as an AccessQuery; a usage message
/// when --resource or --principal come without --action, or the action is
/// not SERVICE:Action.
std::string accessOptionProblem(ReachArgs& args) {
  if (args.action.empty()) {
    if (!args.resource.empty()) return "--resource applies with --action SERVICE:Action";
    if (!args.principal.empty()) return "--principal applies with --action SERVICE:Action";
    return "";
  }
  if (!sim::isActionName(args.action)) {
    return fmt::format("--action '{}' is not SERVICE:Action (for example ssm:GetParameter)", args.action);
  }
  sim::AccessQuery access;
  access.action = args.action;
  if (!args.resource.empty()) access.resource = args.resource;
  access.principal = args.principal;
  args.query.access = std::move(access);
  return "";
}

/// Writes `content` to `path` through a sibling temporary file and a rename,
/// so a failed write leaves no half-written file. "" or what went wrong.
std::string writeFileAtomically(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::path temp = path;
  temp += ".vpcsim-tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return fmt::format("cannot write the file: {}", std::strerror(errno));
    out << content;
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      return "cannot write the file";
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    return fmt::format("cannot write the file: {}", ec.message());
  }
  return "";
}

/// Writes an HTML report to `file` ("" writes none); nullopt, or the
/// failure as a diagnostic naming the file.
std::optional<Outcome> writeReport(const std::string& file, const topology::Result<std::string>& page) {
  if (file.empty()) return std::nullopt;
  if (!page) return fail(topology::Diagnostic{"report", page.error(), file});
  if (std::string problem = writeFileAtomically(file, *page); !problem.empty()) {
    return fail(topology::Diagnostic{"io-error", problem, file});
  }
  return std::nullopt;
}

Outcome runReach(ReachArgs& args) {
  if (std::string problem = reachOptionProblem(args); !problem.empty()) return usage(problem);
  if (std::string problem = accessOptionProblem(args); !problem.empty()) return usage(problem);
  sim::ReachQuery& query = args.query;
  if (args.port >= 0) query.port = args.port;
  if (args.source_port >= 0) query.source_port = args.source_port;
  if (args.icmp_type >= 0) query.icmp_type = args.icmp_type;
  if (args.icmp_code >= 0) query.icmp_code = args.icmp_code;
  topology::Topology topo;
  if (!load(args.inputs, topo)) return Outcome::kInputError;
  sim::Network network(topo);
  auto report = sim::reach(network, query);
  if (!report) return fail(report.diagnostic());
  if (!args.report.empty()) {
    if (auto failed = writeReport(args.report, reports::reachHtml(*report, network))) return *failed;
  }
  std::cout << (args.output == "json" ? reports::reachJson(*report) : reports::reachText(*report));
  return reachOutcome(report->verdict);
}

struct PresignedArgs {
  Inputs inputs;
  sim::PresignedUrlQuery query;
  std::string security_groups;
  std::string output = "text";
};

/// `vpcsim presigned-url`: the URL's two legs (exit status as reach's).
Outcome runPresigned(PresignedArgs& args) {
  auto groups = splitGroups(args.security_groups);
  if (!groups) return usage(groups.error());
  args.query.security_groups = std::move(*groups);
  topology::Topology topo;
  if (!load(args.inputs, topo)) return Outcome::kInputError;
  sim::Network network(topo);
  auto report = sim::presignedUrl(network, args.query);
  if (!report) return fail(report.diagnostic());
  std::cout << (args.output == "json" ? reports::presignedUrlJson(*report) : reports::presignedUrlText(*report));
  return reachOutcome(report->verdict);
}

struct AccessArgs {
  Inputs inputs;
  sim::AccessMatrixQuery query;
  std::string security_groups;
  std::string output = "text";
};

/// `vpcsim access`: the principal x action x source matrix for one service;
/// with --only, the guarantee (exit 0 holds, 1 violated, 3 undetermined).
Outcome runAccess(AccessArgs& args) {
  sim::AccessMatrixQuery& query = args.query;
  if (query.to.rfind("service:", 0) != 0) {
    return usage(fmt::format("access --to takes service:NAME (an AWS API), not '{}'", query.to));
  }
  if ((args.output == "sarif" || args.output == "junit") && query.only.empty()) {
    return usage(fmt::format("access --output {} reports the guarantee: give --only REF", args.output));
  }
  auto groups = splitGroups(args.security_groups);
  if (!groups) return usage(groups.error());
  query.security_groups = std::move(*groups);
  topology::Topology topo;
  if (!load(args.inputs, topo)) return Outcome::kInputError;
  sim::Network network(topo);
  auto report = sim::accessMatrix(network, query);
  if (!report) return fail(report.diagnostic());
  if (args.output == "sarif") {
    std::cout << reports::accessMatrixSarif(*report);
  } else if (args.output == "junit") {
    std::cout << reports::accessMatrixJunit(*report);
  } else {
    std::cout << (args.output == "json" ? reports::accessMatrixJson(*report) : reports::accessMatrixText(*report));
  }
  if (!report->has_guarantee) return Outcome::kDone;
  switch (report->guarantee) {
    case sim::Verdict::kUnreachable: return Outcome::kHolds;
    case sim::Verdict::kReachable:
    case sim::Verdict::kPartial: return Outcome::kFindings;
    case sim::Verdict::kUndetermined: break;
  }
  return Outcome::kUndetermined;
}

struct VerifyArgs {
  Inputs inputs;
  std::vector<std::string> internet_free;
  std::vector<std::string> scope_files;
  std::vector<std::string> builtin_scopes;
  bool class_by_class = false;
  std::string output = "text";
  std::string report;  ///< --report FILE.html
  double timeout = -1;  ///< --timeout SECONDS; negative: none
};

/// The progress of `verify` on one line of stderr, redrawn at most four
/// times a second: the check, the part it traces, the items of the part's
/// current loop done, the classes decided and an estimate of the loop's
/// time left. Shown only when stderr is a terminal; cleared at the end.
class ProgressLine {
 public:
  using Clock = std::chrono::steady_clock;
  static bool wanted() { return isatty(STDERR_FILENO) != 0; }
  ProgressLine() = default;
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine() {
    if (shown_) std::fputs("\r\x1b[K", stderr);
  }

  void show(const sim::VerifyProgress& progress) {
    const Clock::time_point now = Clock::now();
    std::string loop = fmt::format("{}|{}|{}", progress.check, progress.part, progress.total);
    if (loop != loop_ || progress.done < done_) {
      loop_ = std::move(loop);
      started_ = now;
    }
    done_ = progress.done;
    if (shown_ && now - drawn_ < std::chrono::milliseconds(250)) return;
    drawn_ = now;
    shown_ = true;
    std::string left;
    const double elapsed = std::chrono::duration<double>(now - started_).count();
    if (progress.done > 0 && progress.done < progress.total && elapsed > 1) {
      auto seconds = static_cast<uint64_t>(elapsed / static_cast<double>(progress.done) *
                                           static_cast<double>(progress.total - progress.done));
      left = seconds >= 60 ? fmt::format(", about {}m{:02}s left", seconds / 60, seconds % 60)
                           : fmt::format(", about {}s left", seconds);
    }
    std::fprintf(stderr, "\r\x1b[Kverify: %s: %s: %llu/%llu, %llu classes decided%s",
                 topology::escapeText(progress.check).c_str(), std::string(progress.part).c_str(),
                 static_cast<unsigned long long>(progress.done), static_cast<unsigned long long>(progress.total),
                 static_cast<unsigned long long>(progress.classes), left.c_str());
    std::fflush(stderr);
  }

 private:
  std::string loop_;
  uint64_t done_ = 0;
  Clock::time_point started_;
  Clock::time_point drawn_;
  bool shown_ = false;
};

Outcome runVerify(const VerifyArgs& args) {
  if (args.internet_free.empty() && args.scope_files.empty() && args.builtin_scopes.empty()) {
    return usage("verify needs --internet-free SRC..., --scope FILE or --builtin NAME");
  }
  // Scopes are read before the network: a bad scope fails fast.
  std::vector<topology::NaaScope> scopes;
  for (const auto& file : args.scope_files) {
    auto scope = formats::loadNaaScope(file);
    if (!scope) return fail(scope.diagnostic());
    scopes.push_back(std::move(scope).value());
  }
  for (const auto& name : args.builtin_scopes) {
    auto scope = formats::builtinNaaScope(name);
    if (!scope) return usage("--builtin: " + scope.error());
    scopes.push_back(std::move(scope).value());
  }
  topology::Topology topo;
  if (!load(args.inputs, topo)) return Outcome::kInputError;
  for (auto& scope : scopes) {
    if (auto error = formats::resolveNaaScopeNames(scope, topo)) return fail(*error);
  }
  sim::Network network(topo);
  sim::VerifyOptions options;
  options.factored = !args.class_by_class;
  options.skip_other_estates = !args.class_by_class;
  // The time limit counts from here: the input is loaded.
  if (args.timeout >= 0) {
    options.deadline = std::chrono::steady_clock::now() +
                       std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                           std::chrono::duration<double>(args.timeout));
  }
  std::optional<ProgressLine> progress;
  if (ProgressLine::wanted()) {
    progress.emplace();
    options.progress = [&progress](const sim::VerifyProgress& p) { progress->show(p); };
  }
  std::vector<sim::VerifyReport> reports;
  if (!args.internet_free.empty()) {
    auto report = sim::verifyInternetFree(network, args.internet_free, options);
    if (!report) return fail(report.diagnostic());
    reports.push_back(std::move(report).value());
  }
  for (const auto& scope : scopes) {
    auto report = sim::verifyScope(network, scope, options);
    if (!report) return fail(report.diagnostic());
    reports.push_back(std::move(report).value());
  }
  progress.reset();  // clears the line before the answer
  if (!args.report.empty()) {
    if (auto failed = writeReport(args.report, reports::verifyHtml(reports, network))) return *failed;
  }
  if (args.output == "json") {
    std::cout << reports::verifyJson(reports);
  } else if (args.output == "sarif") {
    std::cout << reports::verifySarif(reports);
  } else if (args.output == "junit") {
    std::cout << reports::verifyJunit(reports);
  } else if (args.output == "markdown") {
    std::cout << reports::verifyMarkdown(reports);
  } else {
    std::cout << reports::verifyText(reports);
  }
  switch (reports::overallVerdict(reports)) {
    case sim::Verdict::kUnreachable: return Outcome::kHolds;
    case sim::Verdict::kReachable: return Outcome::kFindings;
    case sim::Verdict::kUndetermined:
    case sim::Verdict::kPartial: break;
  }
  return Outcome::kUndetermined;
}

struct CapacityArgs {
  Inputs inputs;
  std::string plan_file;
  std::string output = "text";
  std::string report;  ///< --report FILE.html
  int months = -1;
  int trials = -1;
  int64_t seed = -1;
  bool whitepaper = false;
  bool detail = false;
  // The topology-free calculator; -1: not given (the whitepaper's figure).
  int users = -1;
  int azs = -1;
  int interface_endpoints = -1;
  int kernel_gateways = -1;
  int training_instances = -1;
  bool no_efs = false;
};

/// Whether any calculator option was given.
bool calculatorAsked(const CapacityArgs& args) {
  return args.users >= 0 || args.azs >= 0 || args.interface_endpoints >= 0 || args.kernel_gateways >= 0 ||
         args.training_instances >= 0 || args.no_efs;
}

/// The whitepaper's example with the calculator options given on top.
Outcome runCalculator(const CapacityArgs& args) {
  if (args.output == "csv") return usage("the capacity calculator prints text or json, not csv");
  capacity::WhitepaperInputs in;
  if (args.users >= 0) in.users = args.users;
  if (args.azs >= 0) in.azs = args.azs;
  if (args.interface_endpoints >= 0) in.interface_endpoints = args.interface_endpoints;
  if (args.kernel_gateways >= 0) in.kernel_gateway_instances = args.kernel_gateways;
  if (args.training_instances >= 0) in.training_instances = args.training_instances;
  in.efs = !args.no_efs;
  const capacity::WhitepaperResult result = capacity::whitepaperExample(in);
  std::cout << (args.output == "json" ? reports::whitepaperJson(result) : reports::whitepaperText(result));
  return Outcome::kDone;
}

Outcome runCapacity(const CapacityArgs& args) {
  const bool has_topology =
      !args.inputs.snapshots.empty() || !args.inputs.topologies.empty() || !args.inputs.stacks.empty();
  if (args.whitepaper || (calculatorAsked(args) && args.plan_file.empty() && !has_topology)) {
    if (!args.plan_file.empty() || has_topology)
      return usage("--whitepaper and the calculator options take no --plan and no topology");
    if (args.months >= 0 || args.trials >= 0 || args.seed >= 0)
      return usage("--whitepaper and the calculator options take no --months, --trials or --seed");
    if (!args.report.empty()) return usage("--report draws a projection: give --plan FILE");
    return runCalculator(args);
  }
  if (calculatorAsked(args))
    return usage("--users, --azs, --interface-endpoints, --kernel-gateways, --training-instances and --no-efs are "
                 "the topology-free calculator's; a --plan describes the same in its consumers");
  if (args.plan_file.empty()) return usage("capacity needs --plan FILE (or --whitepaper, or --users N for the calculator)");
  topology::CapacityPlan plan;
  std::vector<topology::Diagnostic> errors;
  if (!formats::loadCapacityPlan(args.plan_file, plan, errors)) return fail(errors);
  topology::Topology topo;
  if (!load(args.inputs, topo)) return Outcome::kInputError;
  capacity::CapacityOptions options;
  if (args.months > 0) options.horizon_months = args.months;
  if (args.trials >= 0) options.trials = args.trials;
  if (args.seed >= 0) options.seed = static_cast<uint64_t>(args.seed);
  capacity::CapacityProjection projection = capacity::projectCapacity(topo, plan, options);
  if (!projection.errors.empty()) return fail(projection.errors);
  if (!args.report.empty()) {
    if (auto failed = writeReport(args.report, reports::capacityHtml(projection, args.plan_file))) return *failed;
  }
  if (args.output == "json") {
    std::cout << reports::capacityJson(projection);
  } else if (args.output == "csv") {
    std::cout << reports::capacityCsv(projection);
  } else {
    std::cout << (args.detail ? reports::capacityText(projection) : reports::capacityOverviewText(projection));
  }
  return Outcome::kDone;
}

struct DescribeArgs {
  Inputs inputs;
  std::string output = "text";
};

Outcome runDescribe(const DescribeArgs& args) {
  topology::Topology topo;
  if (!load(args.inputs, topo)) return Outcome::kInputError;
  std::cout << (args.output == "json"  ? reports::describeJson(topo)
                : args.output == "dot" ? reports::topologyDot(topo)
                                       : reports::describeText(topo));
  return Outcome::kDone;
}

struct RunArgs {
  std::string file;
  std::string output = "text";
  std::string report;
};

Outcome runRun(const RunArgs& args) {
  scenario::Scenario scenario;
  std::vector<topology::Diagnostic> errors;
  if (!scenario::loadScenario(args.file, scenario, errors)) return fail(errors);
  scenario::ScenarioRun result;
  if (!scenario::runScenario(scenario, result, errors)) return fail(errors);
  if (!args.report.empty()) {
    if (auto failed = writeReport(args.report, reports::scenarioHtml(result))) return *failed;
  }
  if (args.output == "json") {
    std::cout << reports::scenarioJson(result);
  } else if (args.output == "junit") {
    std::cout << reports::scenarioJunit(result);
  } else if (args.output == "sarif") {
    std::cout << reports::scenarioSarif(result);
  } else if (args.output == "markdown") {
    std::cout << reports::scenarioMarkdown(result);
  } else {
    std::cout << reports::scenarioText(result);
  }
  return result.passed() ? Outcome::kPassed : Outcome::kFailed;
}

struct DiffArgs {
  std::string file;
  std::string from;
  std::string to;
  std::string output = "text";
  std::string report;  ///< --report FILE.html
};

Outcome runDiff(const DiffArgs& args) {
  if (args.from == args.to) return usage(fmt::format("--from and --to name the same variant '{}'", args.from));
  scenario::Scenario scenario;
  std::vector<topology::Diagnostic> errors;
  if (!scenario::loadScenario(args.file, scenario, errors)) return fail(errors);
  scenario::ScenarioDiff result;
  if (!scenario::diffVariants(scenario, args.from, args.to, result, errors)) return fail(errors);
  if (!args.report.empty()) {
    if (auto failed = writeReport(args.report, reports::diffHtml(result))) return *failed;
  }
  std::cout << (args.output == "json"       ? reports::diffJson(result)
                : args.output == "markdown" ? reports::diffMarkdown(result)
                                            : reports::diffText(result));
  return result.empty() ? Outcome::kPassed : Outcome::kFailed;
}

struct GenerateArgs {
  formats::GeneratorOptions options;
  std::string out_dir;
};

Outcome runGenerate(const GenerateArgs& args) {
  topology::Topology topo = formats::generateTopology(args.options);
  std::vector<topology::Diagnostic> errors;
  if (!formats::writeNewSnapshot(topo, args.out_dir, errors)) return fail(errors);
  // --enis counts workload interfaces; NAT gateways and interface endpoints bring their own.
  auto workload = std::count_if(topo.enis.begin(), topo.enis.end(),
                                [](const topology::Eni& eni) { return eni.interface_type == "interface"; });
  std::string balancers = topo.load_balancers.empty()
                              ? std::string()
                              : fmt::format(", {} load balancer{}", topo.load_balancers.size(),
                                            topo.load_balancers.size() == 1 ? "" : "s");
  std::cout << fmt::format("wrote {} workload network interfaces (and {} of NAT gateways, endpoints and load "
                           "balancers), {} subnets, {} security groups{} to {}\n",
                           workload, static_cast<std::ptrdiff_t>(topo.enis.size()) - workload, topo.subnets.size(),
                           topo.security_groups.size(), balancers, topology::escapeText(args.out_dir));
  return Outcome::kDone;
}

/// Every subcommand's arguments, filled by CLI11.
struct Commands {
  ReachArgs reach;
  AccessArgs access;
  PresignedArgs presigned;
  VerifyArgs verify;
  CapacityArgs capacity;
  DescribeArgs describe;
  RunArgs run;
  DiffArgs diff;
  GenerateArgs generate;
};

void addReach(CLI::App& app, ReachArgs& args) {
  auto* reach = app.add_subcommand("reach", "trace traffic from a source to a destination, both ways");
  addInputOptions(*reach, args.inputs);
  reach->add_option("--from", args.query.from, "source: eni-, i-, ip:A, subnet:REF, internet, notebook:D[/P], job:N")
      ->required();
  reach->add_option("--to", args.query.to,
                    "destination: ip:A, eni-, i-, internet, pypi, service:NAME, host:NAME, notebook:, job:")
      ->required();
  reach->add_option("--protocol", args.query.protocol, "tcp, udp, icmp, any, or a protocol number (default tcp)");
  reach->add_option("--port", args.port, "destination port (default 443)")->check(CLI::Range(0, 65535));
  reach->add_option("--source-port", args.source_port, "client's ephemeral source port (default 49152)")
      ->check(CLI::Range(0, 65535));
  reach->add_option("--icmp-type", args.icmp_type, "ICMP type (default 8, echo request)")->check(CLI::Range(0, 255));
  reach->add_option("--icmp-code", args.icmp_code, "ICMP code (default 0)")->check(CLI::Range(0, 255));
  reach->add_option("--security-groups", args.security_groups, "comma-separated SGs for a subnet: source")
      ->each([&args](const std::string&) { args.security_groups_given = true; });
  reach->add_option("--action", args.action,
                    "also decide this API call over the path (SERVICE:Action): endpoint, identity and other policies");
  reach->add_option("--resource", args.resource, "the resource ARN of --action (default *)");
  reach->add_option("--principal", args.principal,
                    "who calls: a role or user ARN or name (default: a notebook's or job's execution role)");
  reach->add_option("--output", args.output, "text or json")->check(CLI::IsMember({"text", "json"}));
  reach->add_option("--report", args.report,
                    "also write a self-contained HTML report (each answer's hops drawn on the network) to this file");
}

void addAccess(CLI::App& app, AccessArgs& args) {
  auto* access = app.add_subcommand("access", "who can make which API calls to a service from which sources");
  addInputOptions(*access, args.inputs);
  access->add_option("--from", args.query.from, "sources: subnet:REF, notebook:D[/P], job:N, eni-, i-, ip:A (repeatable)")
      ->required();
  access->add_option("--to", args.query.to, "the service: service:NAME")->required();
  access->add_option("--action", args.query.actions, "SERVICE:Action (repeatable)")->required();
  access->add_option("--resource", args.query.resource, "the resource ARN of every action (default *)");
  access->add_option("--principal", args.query.principals,
                     "callers: role or user ARNs or names (default: every role and user in the input)");
  access->add_option("--only", args.query.only,
                     "the guarantee: only these principals may make the calls (exit 1 when another can)");
  access->add_option("--security-groups", args.security_groups, "comma-separated SGs for subnet: sources");
  access->add_option("--output", args.output, "text, json, sarif or junit (sarif, junit: with --only)")
      ->check(CLI::IsMember({"text", "json", "sarif", "junit"}));
}

void addPresigned(CLI::App& app, PresignedArgs& args) {
  auto* presigned = app.add_subcommand(
      "presigned-url", "can a Studio presigned URL created from one place be opened from another (the sign-in perimeter)");
  addInputOptions(*presigned, args.inputs);
  presigned->add_option("PROFILE", args.query.profile, "the user profile the URL signs in to: DOMAIN/PROFILE")
      ->required();
  presigned->add_option("--created-from", args.query.created_from,
                        "where CreatePresignedDomainUrl is called: subnet:REF, eni-, i-, ip:A, notebook:D/P")
      ->required();
  presigned->add_option("--opened-from", args.query.opened_from, "where the browser opens the URL (same forms)")
      ->required();
  presigned->add_option("--principal", args.query.principal,
                        "who creates the URL: a role or user ARN, name or CloudFormation logical ID")
      ->required();
  presigned->add_option("--security-groups", args.security_groups, "comma-separated SGs for subnet: sources");
  presigned->add_option("--output", args.output, "text or json")->check(CLI::IsMember({"text", "json"}));
}

void addVerify(CLI::App& app, VerifyArgs& args) {
  auto* verify = app.add_subcommand("verify", "check a guarantee over every packet and every source interface");
  addInputOptions(*verify, args.inputs);
  verify->add_option("--internet-free", args.internet_free,
                     "sources that must not reach the internet: subnet:REF, subnet-, eni-, i-, ip:A, notebook:D[/P], job:N");
  verify->add_option("--scope", args.scope_files, "Network Access Analyzer scope JSON file (repeatable)");
  verify->add_option("--builtin", args.builtin_scopes,
                     "Amazon-created scope: igw-ingress, igw-egress, vpc-ingress, vpc-egress (repeatable)");
  verify->add_flag("--class-by-class", args.class_by_class,
                   "trace every class on its own (the reference engine: the same report, far slower)");
  verify->add_option("--output", args.output, "text, json, sarif, junit or markdown")
      ->check(CLI::IsMember({"text", "json", "sarif", "junit", "markdown"}));
  verify->add_option("--timeout", args.timeout,
                     "seconds after loading; a check not finished by then is undetermined (TIMEOUT), never holds")
      ->check(CLI::NonNegativeNumber);
  verify->add_option("--report", args.report,
                     "also write a self-contained HTML report (findings table, example paths drawn) to this file");
}

void addCapacity(CLI::App& app, CapacityArgs& args) {
  auto* capacity = app.add_subcommand("capacity", "project address use per subnet and AZ, and size subnets");
  addInputOptions(*capacity, args.inputs);
  capacity->add_option("--plan", args.plan_file, "growth plan (YAML, see docs/capacity.md)");
  capacity->add_option("--months", args.months, "horizon in months (default: the plan's)")->check(CLI::Range(1, 600));
  capacity->add_option("--trials", args.trials, "Monte Carlo trials (0: analytic only)")
      ->check(CLI::Range(0, 10000000));
  // CLI11 reads an integer that overflows as its largest value; the range-checked parser refuses it.
  capacity->add_option("--seed", args.seed, "Monte Carlo seed")
      ->check(CLI::Validator(
          [](std::string& text) {
            long long value = 0;
            return formats::parseWholeNumber(text, 0, INT64_MAX, value) == formats::NumberStatus::kOk
                       ? std::string()
                       : std::string("expected a whole number from 0 to 9223372036854775807");
          },
          "INT", "whole number"));
  capacity->add_option("--output", args.output, "text, json or csv")->check(CLI::IsMember({"text", "json", "csv"}));
  capacity->add_flag("--detail", args.detail, "text: every month of every subnet after the summary");
  capacity->add_option("--report", args.report,
                       "also write a self-contained HTML report (a chart per subnet, the subnet plan drawn) to this "
                       "file; with --plan");
  capacity->add_flag("--whitepaper", args.whitepaper,
                     "reproduce the SageMaker Studio Administration Best Practices network example");
  // The topology-free calculator (the whitepaper's arithmetic on your numbers).
  capacity->add_option("--users", args.users, "calculator: Studio users (default 100)")->check(CLI::Range(0, 1000000));
  capacity->add_option("--azs", args.azs, "calculator: AZs, one subnet each (default 3)")->check(CLI::Range(1, 32));
  capacity->add_option("--interface-endpoints", args.interface_endpoints,
                       "calculator: interface endpoints, one ENI per AZ each (default 10)")
      ->check(CLI::Range(0, 1000));
  capacity->add_option("--kernel-gateways", args.kernel_gateways,
                       "calculator: KernelGateway instances per user (default 2)")
      ->check(CLI::Range(0, 100));
  capacity->add_option("--training-instances", args.training_instances,
                       "calculator: non-EFA training instances per user, 2 addresses each (default 1)")
      ->check(CLI::Range(0, 100));
  capacity->add_flag("--no-efs", args.no_efs, "calculator: the domain has no EFS mount targets");
}

void addOthers(CLI::App& app, Commands& commands) {
  auto* describe = app.add_subcommand("describe", "inventory of what was loaded and what was ignored");
  addInputOptions(*describe, commands.describe.inputs);
  describe->add_option("--output", commands.describe.output, "text, json, or dot (the network diagram for Graphviz)")
      ->check(CLI::IsMember({"text", "json", "dot"}));

  GenerateArgs& generate_args = commands.generate;
  auto* generate = app.add_subcommand("generate", "write a synthetic snapshot folder in AWS JSON form");
  generate->add_option("--enis", generate_args.options.enis,
                       "number of workload network interfaces (NAT gateway and endpoint interfaces come on top)")
      ->required()
      ->check(CLI::Range(1, topology::limits::kGenerateEnis));
  generate->add_option("--subnets", generate_args.options.subnets, "number of subnets (default enis/50)")
      ->check(CLI::Range(0, topology::limits::kGenerateSubnets));
  generate->add_option("--security-groups", generate_args.options.security_groups,
                       "number of security groups (default enis/20)")
      ->check(CLI::Range(0, topology::limits::kGenerateSecurityGroups));
  generate->add_option("--seed", generate_args.options.seed, "random seed")->capture_default_str();
  generate->add_option("--dual-stack", generate_args.options.dual_stack_percent,
                       "percent of VPCs given an IPv6 block, subnet blocks and interface addresses (default 0)")
      ->check(CLI::Range(0, 100));
  generate->add_option("--load-balancers", generate_args.options.load_balancer_percent,
                       "percent of VPCs given a Network Load Balancer with a listener and IP targets (default 0)")
      ->check(CLI::Range(0, 100));
  generate->add_option("--out", generate_args.out_dir, "output folder: new or empty, written whole or not at all")
      ->required();

  auto* run = app.add_subcommand("run", "run a scenario file: every check in every variant");
  run->add_option("SCENARIO", commands.run.file, "scenario file (YAML, see docs/scenario-format.md)")->required();
  run->add_option("--output", commands.run.output, "text, json, junit, sarif or markdown")
      ->check(CLI::IsMember({"text", "json", "junit", "sarif", "markdown"}));
  run->add_option("--report", commands.run.report,
                  "also write a self-contained HTML report (diagram, checks, paths, capacity) to this file");

  auto* diff =
      app.add_subcommand("diff", "flows and checks whose verdict changes between two variants of a scenario");
  diff->add_option("SCENARIO", commands.diff.file, "scenario file (YAML, see docs/scenario-format.md)")->required();
  diff->add_option("--from", commands.diff.from, "the variant before (e.g. baseline)")->required();
  diff->add_option("--to", commands.diff.to, "the variant after")->required();
  diff->add_option("--output", commands.diff.output, "text, json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  diff->add_option("--report", commands.diff.report,
                   "also write a self-contained HTML report (changed verdicts, the hop responsible drawn) to this file");
}

/// Parses the command line and runs the subcommand it names.
Outcome dispatch(std::vector<std::string> args) {
  std::vector<formats::StackSpec> stacks;
  if (std::string error = extractStacks(args, stacks); !error.empty()) return usage(error);
  CLI::App app{"vpcsim: offline reachability and IP-capacity simulator for AWS VPCs"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "vpcsim 0.1.0");
  // CLI11 echoes arguments in its errors: escaped like every diagnostic.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return topology::escapeText(e.what()) + "\nRun with --help for more information.\n";
  });
  Commands commands;
  addReach(app, commands.reach);
  addAccess(app, commands.access);
  addPresigned(app, commands.presigned);
  addVerify(app, commands.verify);
  addCapacity(app, commands.capacity);
  addOthers(app, commands);
  for (Inputs* inputs : {&commands.reach.inputs, &commands.access.inputs, &commands.presigned.inputs,
                         &commands.describe.inputs, &commands.verify.inputs, &commands.capacity.inputs}) {
    inputs->stacks = stacks;
  }
  try {
    std::reverse(args.begin(), args.end());  // CLI11 takes the vector in reverse order
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? Outcome::kDone : Outcome::kInputError;
  }
  auto parsed = [&](const char* name) { return app.get_subcommand(name)->parsed(); };
  if (parsed("reach")) return runReach(commands.reach);
  if (parsed("access")) return runAccess(commands.access);
  if (parsed("presigned-url")) return runPresigned(commands.presigned);
  if (parsed("verify")) return runVerify(commands.verify);
  if (parsed("capacity")) return runCapacity(commands.capacity);
  if (parsed("describe")) return runDescribe(commands.describe);
  if (parsed("run") || parsed("diff")) {
    if (!stacks.empty()) {
      return usage(fmt::format("--template is not an option of {}; list stacks in the scenario file",
                               parsed("run") ? "run" : "diff"));
    }
    return parsed("run") ? runRun(commands.run) : runDiff(commands.diff);
  }
  if (parsed("generate")) return runGenerate(commands.generate);
  return Outcome::kInputError;
}

}  // namespace

/// The last line of defence, not the normal path: bad input is a diagnostic
/// long before this, but anything a command lets escape (an allocation that
/// fails, a library exception) becomes "error: ..." and exit status 2, never
/// an abort.
int main(int argc, char** argv) {
  try {
    return exitStatus(dispatch(std::vector<std::string>(argv + 1, argv + argc)));
  } catch (const std::bad_alloc&) {
    std::cerr << "error: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "error: unexpected failure\n";
  }
  return exitStatus(Outcome::kInputError);
}
