// The hostile-input cases (hostile_cases.h): small generated files and CLI arguments, one class per function.
#include "hostile_cases.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_input.h"

namespace vpcsim::hostile {

namespace {

using Args = std::vector<std::string>;

constexpr size_t kManyDigits = 200000;
/// Linux refuses a single argument over 128 KiB (MAX_ARG_STRLEN) before the program runs.
constexpr size_t kManyDigitsArgument = 100000;

/// The first three octets of a distinct address for each i < 2^24, from 11.0.0.
std::string dotted(int i) {
  std::string out = std::to_string(11 + (i >> 16));
  out += '.';
  out += std::to_string((i >> 8) & 255);
  out += '.';
  out += std::to_string(i & 255);
  return out;
}

std::string topo(const Workspace& ws, const NativeParts& parts = {}) {
  return ws.write("topology.yaml", nativeTopology(parts));
}

/// `describe` then `reach` over a native topology whose VPC and subnet carry `name` (a YAML scalar).
std::vector<HostileCase> namedTopologyCases(const std::string& label, const std::string& name) {
  auto parts = [name] {
    NativeParts p;
    p.vpc_name = name;
    p.subnet_name = name;
    return p;
  };
  return {
      {"native-name-" + label + "-describe-text",
       [parts](const Workspace& ws) { return Args{"describe", "--topology", topo(ws, parts())}; }},
      {"native-name-" + label + "-describe-json",
       [parts](const Workspace& ws) { return Args{"describe", "--topology", topo(ws, parts()), "--output", "json"}; }},
      {"native-name-" + label + "-reach-text",
       [parts](const Workspace& ws) {
         return Args{"reach", "--topology", topo(ws, parts()), "--from", "subnet:subnet-a", "--to", "ip:8.8.8.8"};
       }},
      {"native-name-" + label + "-reach-json",
       [parts](const Workspace& ws) {
         return Args{"reach",         "--topology", topo(ws, parts()), "--from", "subnet:subnet-a",
                     "--to",          "ip:8.8.8.8", "--output",        "json"};
       }},
      {"native-name-" + label + "-verify-junit",
       [parts](const Workspace& ws) {
         return Args{"verify", "--topology", topo(ws, parts()), "--internet-free", "subnet:subnet-a", "--output", "junit"};
       }},
      {"native-name-" + label + "-verify-sarif",
       [parts](const Workspace& ws) {
         return Args{"verify", "--topology", topo(ws, parts()), "--internet-free", "subnet:subnet-a", "--output", "sarif"};
       }},
  };
}

/// `describe` (text and JSON) over a snapshot whose VPC Name tag is `value` (raw JSON).
std::vector<HostileCase> taggedSnapshotCases(const std::string& label, const std::string& value) {
  auto parts = [value] {
    SnapshotParts p;
    p.vpc_name = value;
    return p;
  };
  return {
      {"snapshot-tag-" + label + "-describe-text",
       [parts](const Workspace& ws) { return Args{"describe", "--snapshot", writeSnapshot(ws, "snap", parts())}; }},
      {"snapshot-tag-" + label + "-describe-json",
       [parts](const Workspace& ws) {
         return Args{"describe", "--snapshot", writeSnapshot(ws, "snap", parts()), "--output", "json"};
       }},
      {"snapshot-tag-" + label + "-verify-junit",
       [parts](const Workspace& ws) {
         return Args{"verify", "--snapshot", writeSnapshot(ws, "snap", parts()), "--internet-free", "subnet:subnet-a",
                     "--output", "junit"};
       }},
  };
}

void append(std::vector<HostileCase>& into, std::vector<HostileCase> more) {
  for (auto& item : more) into.push_back(std::move(item));
}

/// A template whose Size parameter default is `value`, described.
HostileCase templateSize(const std::string& label, const std::string& value, Expect expect) {
  return {"cfn-size-" + label,
          [value](const Workspace& ws) {
            TemplateParts parts;
            parts.size_default = value;
            return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate(parts))};
          },
          expect};
}

/// A native SG rule whose ports are `value`, described.
HostileCase nativePorts(const std::string& label, const std::string& value, Expect expect) {
  return {"native-ports-" + label,
          [value](const Workspace& ws) {
            NativeParts parts;
            parts.ingress = "      - {protocol: tcp, ports: " + value + ", cidr: 0.0.0.0/0}\n";
            return Args{"describe", "--topology", topo(ws, parts)};
          },
          expect};
}

/// A snapshot SG rule with FromPort/ToPort `value` (raw JSON), traced.
HostileCase snapshotPorts(const std::string& label, const std::string& from, const std::string& to,
                          const std::string& protocol, Expect expect) {
  return {"snapshot-ports-" + label,
          [from, to, protocol](const Workspace& ws) {
            SnapshotParts parts;
            parts.ingress = R"({"IpProtocol":")" + protocol + R"(","FromPort":)" + from + R"(,"ToPort":)" + to +
                            R"(,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]})";
            return Args{"reach", "--snapshot", writeSnapshot(ws, "snap", parts), "--from", "internet", "--to", "eni-1",
                        "--port", "22"};
          },
          expect};
}

/// A scope file with `paths` as the MatchPaths array body, run by verify over the base topology.
HostileCase scopeCase(const std::string& name, const std::string& body, Expect expect) {
  return {name,
          [body](const Workspace& ws) {
            return Args{"verify", "--topology", topo(ws), "--scope", ws.write("scope.json", body)};
          },
          expect};
}

/// A capacity plan over the base topology.
HostileCase planCase(const std::string& name, const std::string& plan, Expect expect,
                     const std::string& history = "", const Args& more = {}) {
  return {name,
          [plan, history, more](const Workspace& ws) {
            if (!history.empty()) ws.write("history.csv", history);
            Args args{"capacity", "--topology", topo(ws), "--plan", ws.write("plan.yaml", plan)};
            args.insert(args.end(), more.begin(), more.end());
            return args;
          },
          expect};
}

std::string scopePath(const std::string& source, const std::string& destination) {
  return R"({"Source":)" + source + R"(,"Destination":)" + destination + "}";
}

}  // namespace

std::vector<HostileCase> numberCases() {
  const std::string digits = "1" + std::string(kManyDigits, '0');
  const std::string argument_digits = "1" + std::string(kManyDigitsArgument, '0');
  std::vector<HostileCase> cases = {
      templateSize("1e999", "1e999", Expect::kInputError),
      templateSize("1e-400", "1e-400", Expect::kAnyStatus),
      templateSize("200000-digits", digits, Expect::kInputError),
      templateSize("nan", "nan", Expect::kInputError),
      templateSize("yaml-nan", ".nan", Expect::kInputError),
      templateSize("inf", "inf", Expect::kInputError),
      templateSize("negative-zero", "-0", Expect::kAnyStatus),
      templateSize("20-digit-int", "99999999999999999999", Expect::kAnyStatus),
      {"cfn-size-override-1e999",
       [](const Workspace& ws) {
         return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate()), "--parameter-overrides",
                     "Size=1e999"};
       },
       Expect::kInputError},
      {"cfn-size-override-100000-digits",
       [argument_digits](const Workspace& ws) {
         return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate()), "--parameter-overrides",
                     "Size=" + argument_digits};
       },
       Expect::kInputError},
      {"cfn-select-index-20-digit",
       [](const Workspace& ws) {
         TemplateParts parts;
         parts.extra_resources = "  Other:\n    Type: AWS::EC2::Subnet\n    Properties: {VpcId: !Ref Vpc, "
                                 "CidrBlock: !Select [99999999999999999999, [10.0.2.0/24]]}\n";
         return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate(parts))};
       },
       Expect::kInputError},
      {"cfn-cidr-count-1e999",
       [](const Workspace& ws) {
         TemplateParts parts;
         parts.extra_resources = "  Other:\n    Type: AWS::EC2::Subnet\n    Properties: {VpcId: !Ref Vpc, "
                                 "CidrBlock: !Select [0, !Cidr [10.0.0.0/16, 1e999, 8]]}\n";
         return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate(parts))};
       },
       Expect::kInputError},
      nativePorts("1e999", "1e999", Expect::kInputError),
      nativePorts("20-digit", "99999999999999999999", Expect::kInputError),
      nativePorts("200000-digits", digits, Expect::kInputError),
      nativePorts("nan", ".nan", Expect::kInputError),
      nativePorts("negative-zero", "-0", Expect::kAnyStatus),
      snapshotPorts("1e999", "1e999", "1e999", "tcp", Expect::kInputError),
      snapshotPorts("20-digit", "99999999999999999999", "99999999999999999999", "tcp", Expect::kInputError),
      snapshotPorts("200000-digits", digits, digits, "tcp", Expect::kInputError),
      snapshotPorts("1e-400", "1e-400", "22", "tcp", Expect::kInputError),
      snapshotPorts("negative-zero", "-0", "22", "tcp", Expect::kAnyStatus),
      scopeCase("scope-port-1e400",
                R"({"MatchPaths":[)" +
                    scopePath(R"({"ResourceStatement":{"Resources":["subnet-a"]}})",
                              R"({"PacketHeaderStatement":{"DestinationPorts":["1e400"]}})") +
                    "]}",
                Expect::kInputError),
      scopeCase("scope-port-number-1e400",
                R"({"MatchPaths":[)" +
                    scopePath(R"({"ResourceStatement":{"Resources":["subnet-a"]}})",
                              R"({"PacketHeaderStatement":{"DestinationPorts":[1e400]}})") +
                    "]}",
                Expect::kInputError),
      scopeCase("scope-200000-digit-number", R"({"MatchPaths":[], "DryRun": )" + digits + "}", Expect::kInputError),
      {"cli-port-1e999",
       [](const Workspace& ws) {
         return Args{"reach", "--topology", topo(ws), "--from", "internet", "--to", "eni-1", "--port", "1e999"};
       },
       Expect::kInputError},
      {"cli-port-20-digit",
       [](const Workspace& ws) {
         return Args{"reach", "--topology", topo(ws), "--from", "internet", "--to", "eni-1", "--port",
                     "99999999999999999999"};
       },
       Expect::kInputError},
      {"cli-months-nan",
       [](const Workspace& ws) {
         return Args{"capacity", "--topology", topo(ws), "--plan", ws.write("plan.yaml", capacityPlan()), "--months",
                     "nan"};
       },
       Expect::kInputError},
      {"cli-seed-20-digit",
       [](const Workspace& ws) {
         return Args{"capacity", "--topology", topo(ws), "--plan", ws.write("plan.yaml", capacityPlan()), "--seed",
                     "99999999999999999999"};
       },
       Expect::kInputError},
      {"cli-generate-enis-100000-digits",
       [argument_digits](const Workspace& ws) {
         return Args{"generate", "--enis", argument_digits, "--out", ws.path("out")};
       },
       Expect::kInputError},
  };
  return cases;
}

std::vector<HostileCase> textCases() {
  std::vector<HostileCase> cases;
  append(cases, namedTopologyCases("ansi-colour", R"("\e[31mred\e[0m")"));
  append(cases, namedTopologyCases("terminal-title", R"("\e]0;pwned\a")"));
  append(cases, namedTopologyCases("forged-line", R"("x\n[reachable] forged\nholds")"));
  append(cases, namedTopologyCases("carriage-return", R"("safe\rEVIL")"));
  append(cases, namedTopologyCases("nul-and-bell", R"("a\0b\x07c\bd")"));
  append(cases, namedTopologyCases("c1-csi", R"("a\u009b31mb\u0085")"));
  append(cases, namedTopologyCases("invalid-utf8", "\"bad\xff\xfe\xc0\xafname\""));
  append(cases, namedTopologyCases("xml-specials", R"("<a>&amp;]]></testcase>\"'")"));
  append(cases, taggedSnapshotCases("ansi-escaped", R"("\u001b[2J\u001b]0;title\u0007")"));
  append(cases, taggedSnapshotCases("forged-line", R"("x\n[reachable] forged")"));
  append(cases, taggedSnapshotCases("invalid-utf8-raw", jsonRaw("bad\xff\xfe\x80name")));
  append(cases, taggedSnapshotCases("lone-surrogate", R"("\ud800x")"));
  cases.push_back({"snapshot-id-with-newline-reach",
                   [](const Workspace& ws) {
                     SnapshotParts parts;
                     parts.vpc_id = R"("vpc-1\n[reachable] holds")";
                     return Args{"reach", "--snapshot", writeSnapshot(ws, "snap", parts), "--from", "internet", "--to",
                                 "eni-1", "--port", "22"};
                   }});
  cases.push_back({"cfn-to-json-string-invalid-utf8",
                   [](const Workspace& ws) {
                     TemplateParts parts;
                     parts.extra = "Transform: AWS::LanguageExtensions\n";
                     parts.extra_resources = "  Tagged:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
                                             "      VpcId: !Ref Vpc\n      GroupDescription: x\n"
                                             "      Tags: [{Key: Name, Value: {'Fn::ToJsonString': {k: \"\xff\xfe\"}}}]\n";
                     return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate(parts)), "--output",
                                 "json"};
                   }});
  cases.push_back({"cfn-label-escape-override",
                   [](const Workspace& ws) {
                     return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate()),
                                 "--parameter-overrides", "Label=\x1b[31m\nholds\r", "--output", "json"};
                   }});
  cases.push_back({"file-name-with-escape-and-newline",
                   [](const Workspace& ws) {
                     return Args{"describe", "--topology", ws.write("bad\x1b[31m\nholds\r.yaml", "vpcs: [\n")};
                   },
                   Expect::kInputError});
  cases.push_back({"file-name-invalid-utf8-missing",
                   [](const Workspace& ws) {
                     return Args{"describe", "--topology", ws.path("missing\xff\xfe.yaml"), "--output", "json"};
                   },
                   Expect::kInputError});
  cases.push_back({"snapshot-folder-name-escape",
                   [](const Workspace& ws) {
                     SnapshotParts parts;
                     parts.vpc_name = "{\"bad\": ";  // a JSON error, located in a file under the hostile folder name
                     return Args{"describe", "--snapshot", writeSnapshot(ws, "snap\x1b]0;t\x07\n", parts)};
                   },
                   Expect::kInputError});
  const std::vector<std::pair<std::string, Args>> arguments = {
      {"cli-from-ansi", {"reach", "--from", "ip:\x1b[2J", "--to", "eni-1"}},
      {"cli-to-host-invalid-utf8-json", {"reach", "--from", "internet", "--to", "host:\xff\xfe", "--output", "json"}},
      {"cli-to-host-invalid-utf8-text", {"reach", "--from", "internet", "--to", "host:\xff\xfe.example.com"}},
      {"cli-from-forged-line", {"reach", "--from", "subnet:\n[reachable] holds", "--to", "ip:8.8.8.8"}},
      {"cli-from-cr-bell", {"reach", "--from", "eni-\r\x07", "--to", "ip:8.8.8.8", "--output", "json"}},
      {"cli-internet-free-title", {"verify", "--internet-free", "subnet:\x1b]0;t\x07", "--output", "junit"}},
      {"cli-internet-free-sarif", {"verify", "--internet-free", "subnet:\xff\n", "--output", "sarif"}},
      {"cli-region-escape", {"describe", "--region", "\x1b[31m\n", "--output", "json"}},
      {"cli-protocol-escape", {"reach", "--from", "internet", "--to", "eni-1", "--protocol", "\x1b[31mtcp"}},
      {"cli-unknown-option-escape", {"describe", "--\x1b[31m\nholds"}},
      {"cli-unknown-command-escape", {"\x1b]0;t\x07\xff"}},
  };
  for (const auto& [name, extra] : arguments) {
    cases.push_back({name, [extra](const Workspace& ws) {
                       Args args{extra.front(), "--topology", topo(ws)};
                       args.insert(args.end(), extra.begin() + 1, extra.end());
                       return args;
                     }});
  }
  // Byte-order marks and UTF-16.
  auto utf16 = [](const std::string& ascii, bool little_endian) {
    std::string out = little_endian ? std::string("\xff\xfe") : std::string("\xfe\xff");
    for (char c : ascii) {
      if (little_endian) {
        out.push_back(c);
        out.push_back('\0');
      } else {
        out.push_back('\0');
        out.push_back(c);
      }
    }
    return out;
  };
  cases.push_back({"native-utf8-bom", [](const Workspace& ws) {
                     return Args{"describe", "--topology", ws.write("topology.yaml", "\xef\xbb\xbf" + nativeTopology())};
                   }});
  cases.push_back({"native-utf16le", [utf16](const Workspace& ws) {
                     return Args{"describe", "--topology", ws.write("topology.yaml", utf16(nativeTopology(), true))};
                   },
                   Expect::kInputError});
  cases.push_back({"cfn-utf16be", [utf16](const Workspace& ws) {
                     return Args{"describe", "--template", ws.write("template.yaml", utf16(cfnTemplate(), false))};
                   },
                   Expect::kInputError});
  cases.push_back({"snapshot-utf8-bom", [](const Workspace& ws) {
                     std::string folder = writeSnapshot(ws, "snap");
                     ws.write("snap/Vpcs.json", "\xef\xbb\xbf" R"({"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"}]})");
                     return Args{"describe", "--snapshot", folder};
                   }});
  cases.push_back({"snapshot-utf16le", [utf16](const Workspace& ws) {
                     std::string folder = writeSnapshot(ws, "snap");
                     ws.write("snap/Vpcs.json", utf16(R"({"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"}]})", true));
                     return Args{"describe", "--snapshot", folder};
                   },
                   Expect::kInputError});
  cases.push_back({"scope-utf16le", [utf16](const Workspace& ws) {
                     return Args{"verify", "--topology", topo(ws), "--scope",
                                 ws.write("scope.json", utf16(R"({"MatchPaths":[]})", true))};
                   },
                   Expect::kInputError});
  cases.push_back({"scope-utf8-bom", [](const Workspace& ws) {
                     return Args{"verify", "--topology", topo(ws), "--scope",
                                 ws.write("scope.json", "\xef\xbb\xbf{\"MatchPaths\":[]}")};
                   }});
  cases.push_back({"plan-utf16le", [utf16](const Workspace& ws) {
                     return Args{"capacity", "--topology", topo(ws), "--plan",
                                 ws.write("plan.yaml", utf16(capacityPlan(), true))};
                   },
                   Expect::kInputError});
  cases.push_back({"scenario-check-name-hostile-junit", [](const Workspace& ws) {
                     topo(ws);
                     return Args{"run", ws.write("scenario.yaml", scenarioFile("topology.yaml",
                                                                               R"("\e[31m<x>&]]>\n[passed] \xff")")),
                                 "--output", "junit"};
                   }});
  cases.push_back({"scenario-check-name-hostile-json", [](const Workspace& ws) {
                     topo(ws);
                     return Args{"run",
                                 ws.write("scenario.yaml", scenarioFile("topology.yaml", "\"bad \xff\xfe \\e]0;t\\a\"")),
                                 "--output", "json"};
                   }});
  cases.push_back({"scenario-check-name-hostile-text", [](const Workspace& ws) {
                     topo(ws);
                     return Args{"run", ws.write("scenario.yaml",
                                                 scenarioFile("topology.yaml", R"("ok\n[passed] forged\r\e[2K")"))};
                   }});
  cases.push_back({"plan-history-line-echo", [](const Workspace& ws) {
                     ws.write("history.csv", "month,count\n0,\x1b[31mhostile\r\n1,2\n");
                     return Args{"capacity", "--topology", topo(ws), "--plan",
                                 ws.write("plan.yaml", capacityPlan("12", "0", "{history: history.csv, fit: linear}"))};
                   },
                   Expect::kInputError});
  return cases;
}

std::vector<HostileCase> yamlCases() {
  const std::string recursive = "&a [*a]";
  const std::string deep_flow = std::string(100000, '[') + std::string(100000, ']');
  const std::string deep_json = std::string(100000, '[') + std::string(100000, ']');
  std::string deep_block;
  for (int i = 0; i < 3000; ++i) deep_block += std::string(static_cast<size_t>(i), ' ') + "k:\n";
  return {
      {"native-recursive-alias",
       [recursive](const Workspace& ws) {
         NativeParts parts;
         parts.extra = "tags: " + recursive + "\n";
         return Args{"describe", "--topology", topo(ws, parts)};
       },
       Expect::kInputError},
      {"native-recursive-alias-in-list",
       [](const Workspace& ws) {
         return Args{"describe", "--topology", ws.write("topology.yaml", "vpcs: &a\n  - *a\n")};
       },
       Expect::kInputError},
      {"native-alias-bomb",
       [](const Workspace& ws) {
         NativeParts parts;
         parts.extra = aliasBomb("bomb", 10, 10);
         return Args{"describe", "--topology", topo(ws, parts)};
       },
       Expect::kInputError},
      {"native-deep-flow-nesting",
       [deep_flow](const Workspace& ws) {
         return Args{"describe", "--topology", ws.write("topology.yaml", "vpcs: " + deep_flow + "\n")};
       },
       Expect::kInputError},
      {"native-deep-block-nesting",
       [deep_block](const Workspace& ws) {
         return Args{"describe", "--topology", ws.write("topology.yaml", deep_block)};
       },
       Expect::kInputError},
      {"native-json-deep-nesting",
       [deep_json](const Workspace& ws) {
         return Args{"describe", "--topology", ws.write("topology.json", "{\"vpcs\": " + deep_json + "}")};
       },
       Expect::kInputError},
      {"cfn-recursive-alias-resources",
       [](const Workspace& ws) {
         return Args{"describe", "--template",
                     ws.write("template.yaml", "Resources: &r\n  X: {Type: AWS::EC2::VPC, Properties: *r}\n")};
       },
       Expect::kInputError},
      {"cfn-alias-bomb-in-metadata",
       [](const Workspace& ws) {
         TemplateParts parts;
         parts.extra = aliasBomb("Metadata", 10, 10);
         return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate(parts))};
       },
       Expect::kInputError},
      {"cfn-alias-bomb-in-properties",
       [](const Workspace& ws) {
         TemplateParts parts;
         parts.extra = aliasBomb("Mappings", 9, 9);
         return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate(parts))};
       },
       Expect::kInputError},
      {"cfn-deep-json",
       [deep_json](const Workspace& ws) {
         return Args{"describe", "--template", ws.write("template.json", "{\"Metadata\": " + deep_json + "}")};
       },
       Expect::kInputError},
      {"cfn-deep-intrinsics",
       [](const Workspace& ws) {
         std::string value = "x";
         for (int i = 0; i < 20000; ++i) value = "{'Fn::Join': ['', [" + value + "]]}";
         TemplateParts parts;
         parts.extra = "Outputs:\n  O: {Value: " + value + "}\n";
         return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate(parts))};
       },
       Expect::kErrorOrWarning},
      {"cfn-depends-on-cycle",
       [](const Workspace& ws) {
         TemplateParts parts;
         parts.extra_resources = "  A:\n    Type: AWS::EC2::SecurityGroup\n    DependsOn: B\n"
                                 "    Properties: {VpcId: !Ref Vpc, GroupDescription: a}\n"
                                 "  B:\n    Type: AWS::EC2::SecurityGroup\n    DependsOn: A\n"
                                 "    Properties: {VpcId: !Ref Vpc, GroupDescription: b}\n";
         return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate(parts))};
       },
       Expect::kInputError},
      {"cfn-ref-cycle",
       [](const Workspace& ws) {
         TemplateParts parts;
         parts.extra_resources = "  A:\n    Type: AWS::EC2::SecurityGroup\n"
                                 "    Properties: {VpcId: !Ref Vpc, GroupDescription: !Ref B}\n"
                                 "  B:\n    Type: AWS::EC2::SecurityGroup\n"
                                 "    Properties: {VpcId: !Ref Vpc, GroupDescription: !Ref A}\n";
         return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate(parts))};
       },
       Expect::kInputError},
      {"scenario-recursive-alias",
       [](const Workspace& ws) {
         topo(ws);
         return Args{"run", ws.write("scenario.yaml", "name: x\ninputs: &i {topologies: [topology.yaml], more: *i}\n")};
       },
       Expect::kInputError},
      {"scenario-alias-bomb",
       [](const Workspace& ws) {
         topo(ws);
         return Args{"run", ws.write("scenario.yaml", scenarioFile("topology.yaml") + aliasBomb("description", 10, 10))};
       },
       Expect::kInputError},
      {"plan-recursive-alias",
       [](const Workspace& ws) {
         return Args{"capacity", "--topology", topo(ws), "--plan",
                     ws.write("plan.yaml", "horizon_months: 12\nconsumers: &c [*c]\n")};
       },
       Expect::kInputError},
      {"plan-alias-bomb",
       [](const Workspace& ws) {
         return Args{"capacity", "--topology", topo(ws), "--plan",
                     ws.write("plan.yaml", capacityPlan() + aliasBomb("instance_types", 10, 10))};
       },
       Expect::kInputError},
      {"snapshot-deep-json",
       [deep_json](const Workspace& ws) {
         std::string folder = writeSnapshot(ws, "snap");
         ws.write("snap/Deep.json", "{\"Vpcs\": " + deep_json + "}");
         return Args{"describe", "--snapshot", folder};
       },
       Expect::kInputError},
      {"scope-deep-json",
       [deep_json](const Workspace& ws) {
         return Args{"verify", "--topology", topo(ws), "--scope",
                     ws.write("scope.json", "{\"MatchPaths\": " + deep_json + "}")};
       },
       Expect::kInputError},
  };
}

std::vector<HostileCase> regexCases() {
  auto pattern = [](const std::string& label, const std::string& regex, const std::string& value, Expect expect) {
    return HostileCase{"cfn-allowed-pattern-" + label,
                       [regex, value](const Workspace& ws) {
                         TemplateParts parts;
                         parts.label_default = "x";
                         parts.label_constraints = "    AllowedPattern: '" + regex + "'\n";
                         return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate(parts)),
                                     "--parameter-overrides", "Label=" + value};
                       },
                       expect};
  };
  return {
      pattern("nested-plus", "(a+)+$", std::string(40, 'a') + "!", Expect::kInputError),
      pattern("nested-plus-long", "(a+)+$", std::string(4000, 'a') + "!", Expect::kInputError),
      pattern("alternation", "(a|aa)+$", std::string(60, 'a') + "b", Expect::kInputError),
      pattern("overlap", "(x+x+)+y", std::string(50, 'x'), Expect::kInputError),
      pattern("spaces-line", "\\s*x", std::string(30000, ' '), Expect::kInputError),
      pattern("dot-star-40000", ".*", std::string(40000, 'v'), Expect::kAnyStatus),
      pattern("class-star-40000", "[a-z]*", std::string(40000, 'v'), Expect::kAnyStatus),
      pattern("invalid", "(", "x", Expect::kInputError),
      pattern("backreference", "(a*)\\1$", std::string(30000, 'a') + "b", Expect::kAnyStatus),
      pattern("huge-repeat", "a{1000}{1000}{1000}", "a", Expect::kInputError),
  };
}

std::vector<HostileCase> fileCases() {
  auto as = [](const std::string& label, const std::function<Args(const Workspace&, const std::string&)>& make,
               const std::function<std::string(const Workspace&)>& file) {
    return HostileCase{label, [make, file](const Workspace& ws) { return make(ws, file(ws)); }, Expect::kInputError};
  };
  auto topology = [](const Workspace&, const std::string& f) { return Args{"describe", "--topology", f}; };
  auto templ = [](const Workspace&, const std::string& f) { return Args{"describe", "--template", f}; };
  auto snapshot = [](const Workspace&, const std::string& f) { return Args{"describe", "--snapshot", f}; };
  auto plan = [](const Workspace& ws, const std::string& f) {
    return Args{"capacity", "--topology", topo(ws), "--plan", f};
  };
  auto scenario = [](const Workspace&, const std::string& f) { return Args{"run", f}; };
  auto scope = [](const Workspace& ws, const std::string& f) {
    return Args{"verify", "--topology", topo(ws), "--scope", f};
  };
  auto dev_zero = [](const Workspace&) { return std::string("/dev/zero"); };
  auto directory = [](const Workspace& ws) { return ws.folder("a-folder"); };
  auto fifo = [](const Workspace& ws) { return ws.fifo("a-fifo"); };
  auto missing = [](const Workspace& ws) { return ws.path("missing.yaml"); };
  auto nul_bytes = [](const Workspace& ws) { return ws.write("nul.yaml", std::string(4096, '\0')); };
  std::vector<HostileCase> cases;
  const std::vector<std::pair<std::string, std::function<Args(const Workspace&, const std::string&)>>> users = {
      {"topology", topology}, {"template", templ}, {"plan", plan}, {"scenario", scenario}, {"scope", scope}};
  const std::vector<std::pair<std::string, std::function<std::string(const Workspace&)>>> files = {
      {"dev-zero", dev_zero}, {"directory", directory}, {"fifo", fifo}, {"missing", missing}, {"nul-bytes", nul_bytes}};
  for (const auto& [file_label, file] : files) {
    for (const auto& [user_label, user] : users) cases.push_back(as(file_label + "-as-" + user_label, user, file));
  }
  cases.push_back(as("dev-zero-as-snapshot", snapshot, dev_zero));
  cases.push_back(as("regular-file-as-snapshot", snapshot, [](const Workspace& ws) { return topo(ws); }));
  cases.push_back({"fifo-inside-snapshot", [](const Workspace& ws) {
                     std::string folder = writeSnapshot(ws, "snap");
                     ws.fifo("snap/Extra.json");
                     return Args{"describe", "--snapshot", folder};
                   },
                   Expect::kInputError});
  cases.push_back({"dev-zero-link-inside-snapshot", [](const Workspace& ws) {
                     std::string folder = writeSnapshot(ws, "snap");
                     fs::create_symlink("/dev/zero", fs::path(folder) / "Zero.json");
                     return Args{"describe", "--snapshot", folder};
                   },
                   Expect::kInputError});
  cases.push_back({"symlink-loop-inside-snapshot", [](const Workspace& ws) {
                     std::string folder = writeSnapshot(ws, "snap");
                     fs::create_directory_symlink(".", fs::path(folder) / "loop");
                     return Args{"describe", "--snapshot", folder};
                   }});
  cases.push_back({"plan-history-dev-zero", [](const Workspace& ws) {
                     return Args{"capacity", "--topology", topo(ws), "--plan",
                                 ws.write("plan.yaml", capacityPlan("12", "0", "{history: /dev/zero, fit: linear}"))};
                   },
                   Expect::kInputError});
  cases.push_back({"plan-history-etc-passwd", [](const Workspace& ws) {
                     return Args{"capacity", "--topology", topo(ws), "--plan",
                                 ws.write("plan.yaml", capacityPlan("12", "0", "{history: /etc/passwd, fit: linear}"))};
                   },
                   Expect::kInputError});
  cases.push_back({"scenario-topology-dev-zero", [](const Workspace& ws) {
                     return Args{"run", ws.write("scenario.yaml", scenarioFile("/dev/zero"))};
                   },
                   Expect::kInputError});
  cases.push_back({"generate-out-non-empty-folder", [](const Workspace& ws) {
                     ws.write("out/keep.txt", "precious\n");
                     return Args{"generate", "--enis", "10", "--out", ws.path("out")};
                   },
                   Expect::kInputError});
  cases.push_back({"generate-out-is-a-file", [](const Workspace& ws) {
                     return Args{"generate", "--enis", "10", "--out", ws.write("file", "x")};
                   },
                   Expect::kInputError});
  cases.push_back({"generate-out-dev-null", [](const Workspace&) {
                     return Args{"generate", "--enis", "10", "--out", "/dev/null"};
                   },
                   Expect::kInputError});
  cases.push_back({"empty-topology-file", [](const Workspace& ws) {
                     return Args{"describe", "--topology", ws.write("empty.yaml", "")};
                   }});
  return cases;
}

std::vector<HostileCase> sizeCases() {
  return {
      {"native-200000-sg-rules",
       [](const Workspace& ws) {
         NativeParts parts;
         std::string rules;
         for (int i = 0; i < 200000; ++i) {
           rules += "      - {protocol: tcp, ports: " + std::to_string(i % 65536) + ", cidr: 10." +
                    std::to_string((i >> 8) & 255) + "." + std::to_string(i & 255) + ".0/24}\n";
         }
         parts.ingress = rules;
         return Args{"reach", "--topology", topo(ws, parts), "--from", "internet", "--to", "eni-1", "--port", "22"};
       }},
      {"snapshot-200000-sg-rules",
       [](const Workspace& ws) {
         SnapshotParts parts;
         std::string rules;
         for (int i = 0; i < 200000; ++i) {
           if (i) rules += ",";
           rules += R"({"IpProtocol":"tcp","FromPort":)" + std::to_string(i % 65536) + R"(,"ToPort":)" +
                    std::to_string(i % 65536) + R"(,"IpRanges":[{"CidrIp":"10.)" + std::to_string((i >> 8) & 255) +
                    "." + std::to_string(i & 255) + R"(.0/24"}]})";
         }
         parts.ingress = rules;
         return Args{"verify", "--snapshot", writeSnapshot(ws, "snap", parts), "--builtin", "igw-ingress"};
       }},
      {"snapshot-1000000-routes",
       [](const Workspace& ws) {
         SnapshotParts parts;
         std::string routes;
         routes.reserve(80000000);
         for (int i = 0; i < 1000000; ++i) {
           routes += R"(,{"DestinationCidrBlock":")" + std::to_string(11 + (i >> 16)) + "." +
                     std::to_string((i >> 8) & 255) + "." + std::to_string(i & 255) +
                     R"(.0/24","GatewayId":"igw-1","State":"active"})";
         }
         parts.extra_routes = routes;
         return Args{"reach", "--snapshot", writeSnapshot(ws, "snap", parts), "--from", "eni-1", "--to", "ip:8.8.8.8"};
       }},
      {"snapshot-100000-routes-verify",
       [](const Workspace& ws) {
         SnapshotParts parts;
         std::string routes;
         for (int i = 0; i < 100000; ++i) {
           routes += R"(,{"DestinationCidrBlock":")" + std::to_string(11 + (i >> 16)) + "." +
                     std::to_string((i >> 8) & 255) + "." + std::to_string(i & 255) +
                     R"(.0/24","GatewayId":"igw-1","State":"active"})";
         }
         parts.extra_routes = routes;
         return Args{"verify", "--snapshot", writeSnapshot(ws, "snap", parts), "--internet-free", "subnet:subnet-a",
                     "--output", "json"};
       }},
      {"cfn-50000-resources",
       [](const Workspace& ws) {
         TemplateParts parts;
         for (int i = 0; i < 50000; ++i) {
           parts.extra_resources += "  Sg" + std::to_string(i) +
                                    ":\n    Type: AWS::EC2::SecurityGroup\n    Properties: {VpcId: !Ref Vpc, "
                                    "GroupDescription: g}\n";
         }
         return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate(parts))};
       }},
      {"scope-2000-match-paths",
       [](const Workspace& ws) {
         std::string paths;
         for (int i = 0; i < 2000; ++i) {
           if (i) paths += ",";
           paths += scopePath(R"({"ResourceStatement":{"Resources":["subnet-a"]}})",
                              R"({"PacketHeaderStatement":{"DestinationPorts":[")" + std::to_string(i) + R"("]}})");
         }
         return Args{"verify", "--topology", topo(ws), "--scope",
                     ws.write("scope.json", R"({"MatchPaths":[)" + paths + "]}"), "--output", "sarif"};
       }},
      {"scope-100000-addresses-and-ports",
       [](const Workspace& ws) {
         std::string addresses;
         std::string ports;
         for (int i = 0; i < 100000; ++i) {
           if (i) addresses += ",", ports += ",";
           addresses += jsonRaw(dotted(i) + ".7/32");
           ports += jsonRaw(std::to_string(i % 65536));
         }
         std::string body = R"({"MatchPaths":[)" +
                            scopePath(R"({"ResourceStatement":{"Resources":["subnet-a"]}})",
                                      R"({"PacketHeaderStatement":{"DestinationAddresses":[)" + addresses +
                                          R"(],"DestinationPorts":[)" + ports + "]}}") +
                            "]}";
         return Args{"verify", "--topology", topo(ws), "--scope", ws.write("scope.json", body), "--output", "junit"};
       }},
      {"native-20000-subnets-and-enis",
       [](const Workspace& ws) {
         std::string yaml = "vpcs:\n  - {id: vpc-1, cidr: 10.0.0.0/8}\nsubnets:\n";
         for (int i = 0; i < 20000; ++i) {
           yaml += "  - {id: subnet-" + std::to_string(i) + ", vpc: vpc-1, az: us-east-1a, cidr: 10." +
                   std::to_string(i >> 8) + "." + std::to_string(i & 255) + ".0/24}\n";
         }
         yaml += "enis:\n";
         for (int i = 0; i < 20000; ++i) {
           yaml += "  - {id: eni-" + std::to_string(i) + ", subnet: subnet-" + std::to_string(i) + ", ips: [10." +
                   std::to_string(i >> 8) + "." + std::to_string(i & 255) + ".10]}\n";
         }
         return Args{"verify", "--topology", ws.write("topology.yaml", yaml), "--builtin", "vpc-egress", "--output",
                     "json"};
       }},
      {"generate-enis-maximum",
       [](const Workspace& ws) { return Args{"generate", "--enis", "10000000", "--out", ws.path("out")}; }},
      {"generate-enis-one-subnets-maximum",
       [](const Workspace& ws) {
         return Args{"generate", "--enis", "1", "--subnets", "1000000", "--security-groups", "1000000", "--out",
                     ws.path("out")};
       }},
      {"generate-enis-zero",
       [](const Workspace& ws) { return Args{"generate", "--enis", "0", "--out", ws.path("out")}; },
       Expect::kInputError},
      {"generate-enis-negative",
       [](const Workspace& ws) { return Args{"generate", "--enis", "-5", "--out", ws.path("out")}; },
       Expect::kInputError},
      {"generate-enis-word",
       [](const Workspace& ws) { return Args{"generate", "--enis", "many", "--out", ws.path("out")}; },
       Expect::kInputError},
      {"generate-enis-1e9-float",
       [](const Workspace& ws) { return Args{"generate", "--enis", "1e9", "--out", ws.path("out")}; },
       Expect::kInputError},
      {"capacity-months-600-trials-maximum",
       [](const Workspace& ws) {
         return Args{"capacity", "--topology", topo(ws), "--plan",
                     ws.write("plan.yaml", capacityPlan("12", "0", "5",
                                                        "jobs:\n  - {name: t, kind: training, arrivals_per_day: 500, "
                                                        "duration_hours: 4, instances_per_job: 8}\n")),
                     "--months", "600", "--trials", "10000000"};
       }},
  };
}

std::vector<HostileCase> cliCases() {
  auto reach = [](const Args& extra) {
    return [extra](const Workspace& ws) {
      Args args{"reach", "--topology", topo(ws)};
      args.insert(args.end(), extra.begin(), extra.end());
      return args;
    };
  };
  return {
      {"icmp-type-with-tcp", reach({"--from", "internet", "--to", "eni-1", "--protocol", "tcp", "--icmp-type", "3"}),
       Expect::kInputError},
      {"port-with-icmp", reach({"--from", "internet", "--to", "eni-1", "--protocol", "icmp", "--port", "22"}),
       Expect::kInputError},
      {"source-port-with-icmp",
       reach({"--from", "internet", "--to", "eni-1", "--protocol", "icmp", "--source-port", "1000"}),
       Expect::kInputError},
      {"security-groups-only-commas",
       reach({"--from", "subnet:subnet-a", "--to", "ip:8.8.8.8", "--security-groups", ",,,"}), Expect::kInputError},
      {"security-groups-with-eni-source", reach({"--from", "eni-1", "--to", "ip:8.8.8.8", "--security-groups", "sg-1"}),
       Expect::kInputError},
      {"empty-from", reach({"--from", "", "--to", "ip:8.8.8.8"}), Expect::kInputError},
      {"empty-to", reach({"--from", "eni-1", "--to", ""}), Expect::kInputError},
      {"from-subnet-empty", reach({"--from", "subnet:", "--to", "ip:8.8.8.8"}), Expect::kInputError},
      {"to-ip-empty", reach({"--from", "eni-1", "--to", "ip:"}), Expect::kInputError},
      {"to-ip-out-of-range", reach({"--from", "eni-1", "--to", "ip:300.1.1.1"}), Expect::kInputError},
      {"protocol-number-300", reach({"--from", "eni-1", "--to", "ip:8.8.8.8", "--protocol", "300"}),
       Expect::kInputError},
      {"output-unknown", reach({"--from", "eni-1", "--to", "ip:8.8.8.8", "--output", "xml"}), Expect::kInputError},
      {"internet-free-empty-subnet",
       [](const Workspace& ws) { return Args{"verify", "--topology", topo(ws), "--internet-free", "subnet:"}; },
       Expect::kInputError},
      {"internet-free-empty",
       [](const Workspace& ws) { return Args{"verify", "--topology", topo(ws), "--internet-free", ""}; },
       Expect::kInputError},
      {"builtin-unknown",
       [](const Workspace& ws) { return Args{"verify", "--topology", topo(ws), "--builtin", "igw-ingres"}; },
       Expect::kInputError},
      {"repeated-parameter-override",
       [](const Workspace& ws) {
         return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate()), "--parameter-overrides",
                     "Size=1", "Size=2"};
       },
       Expect::kInputError},
      {"parameter-override-unknown-name",
       [](const Workspace& ws) {
         return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate()), "--parameter-overrides",
                     "Sise=1"};
       },
       Expect::kInputError},
      {"parameter-override-without-equals",
       [](const Workspace& ws) {
         return Args{"describe", "--template", ws.write("template.yaml", cfnTemplate()), "--parameter-overrides",
                     "Size"};
       },
       Expect::kInputError},
      {"stack-name-without-template",
       [](const Workspace& ws) { return Args{"describe", "--topology", topo(ws), "--stack-name", "x"}; },
       Expect::kInputError},
      {"scenario-from-empty",
       [](const Workspace& ws) {
         topo(ws);
         return Args{"run", ws.write("scenario.yaml", scenarioFile("topology.yaml", "c", "''", "eni-1"))};
       },
       Expect::kInputError},
      {"diff-unknown-variant",
       [](const Workspace& ws) {
         topo(ws);
         return Args{"diff", ws.write("scenario.yaml", scenarioFile("topology.yaml")), "--from", "baseline", "--to",
                     "nope"};
       },
       Expect::kInputError},
      {"whitepaper-with-plan",
       [](const Workspace& ws) {
         return Args{"capacity", "--whitepaper", "--plan", ws.write("plan.yaml", capacityPlan()), "--output", "json"};
       }},
      {"whitepaper-json", [](const Workspace&) { return Args{"capacity", "--whitepaper", "--output", "json"}; }},
      {"same-snapshot-twice",
       [](const Workspace& ws) {
         std::string folder = writeSnapshot(ws, "snap");
         return Args{"describe", "--snapshot", folder, "--snapshot", folder, "--output", "json"};
       }},
      {"no-arguments", [](const Workspace&) { return Args{}; }},
      {"huge-argument",
       [](const Workspace& ws) { return Args{"reach", "--topology", topo(ws), "--from", std::string(100000, 'x'), "--to", "eni-1"}; },
       Expect::kInputError},
  };
}

std::vector<HostileCase> snapshotValueCases() {
  auto value = [](const std::string& name, const std::function<void(SnapshotParts&)>& edit) {
    return HostileCase{"snapshot-" + name,
                       [edit](const Workspace& ws) {
                         SnapshotParts parts;
                         edit(parts);
                         return Args{"reach", "--snapshot", writeSnapshot(ws, "snap", parts), "--from", "internet",
                                     "--to", "eni-1", "--port", "22"};
                       },
                       Expect::kErrorOrWarning};
  };
  auto rule = [](const std::string& text) { return [text](SnapshotParts& p) { p.ingress = text; }; };
  return {
      value("port-70000", rule(R"({"IpProtocol":"tcp","FromPort":70000,"ToPort":70000,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]})")),
      value("negative-port-range", rule(R"({"IpProtocol":"tcp","FromPort":-5,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]})")),
      value("reversed-port-range", rule(R"({"IpProtocol":"tcp","FromPort":443,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]})")),
      value("icmp-type-999", rule(R"({"IpProtocol":"icmp","FromPort":999,"ToPort":0,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]})")),
      value("protocol-999", rule(R"({"IpProtocol":"999","IpRanges":[{"CidrIp":"0.0.0.0/0"}]})")),
      value("cidr-prefix-33", rule(R"({"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/33"}]})")),
      value("empty-rule-cidr", rule(R"({"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":""}]})")),
      value("empty-route-destination",
            [](SnapshotParts& p) { p.extra_routes = R"(,{"DestinationCidrBlock":"","GatewayId":"igw-1","State":"active"})"; }),
      value("empty-vpc-cidr", [](SnapshotParts& p) { p.vpc_cidr = "\"\""; }),
      value("overlapping-subnets",
            [](SnapshotParts& p) {
              p.subnets += R"(,{"SubnetId":"subnet-b","VpcId":"vpc-1","CidrBlock":"10.0.1.128/25","AvailabilityZone":"us-east-1b","State":"available"})";
            }),
      value("subnet-outside-vpc",
            [](SnapshotParts& p) {
              p.subnets = R"({"SubnetId":"subnet-a","VpcId":"vpc-1","CidrBlock":"192.168.1.0/24","AvailabilityZone":"us-east-1a","State":"available","MapPublicIpOnLaunch":true})";
            }),
      value("address-outside-subnet", [](SnapshotParts& p) { p.eni_ip = "\"10.0.9.10\""; }),
      value("address-not-an-address", [](SnapshotParts& p) { p.eni_ip = "\"10.0.1.999\""; }),
      value("duplicate-subnet-id",
            [](SnapshotParts& p) {
              p.subnets += R"(,{"SubnetId":"subnet-a","VpcId":"vpc-1","CidrBlock":"10.0.2.0/24","AvailabilityZone":"us-east-1b","State":"available"})";
            }),
      value("subnet-in-missing-vpc",
            [](SnapshotParts& p) {
              p.subnets += R"(,{"SubnetId":"subnet-b","VpcId":"vpc-none","CidrBlock":"10.0.2.0/24","AvailabilityZone":"us-east-1b","State":"available"})";
            }),
  };
}

std::vector<HostileCase> planCases() {
  const std::string steep = "month,count\n0,1\n1,1000000000000000\n";
  return {
      planCase("plan-horizon-nan", capacityPlan(".nan"), Expect::kInputError),
      planCase("plan-horizon-word-nan", capacityPlan("nan"), Expect::kInputError),
      planCase("plan-horizon-inf", capacityPlan(".inf"), Expect::kInputError),
      planCase("plan-horizon-1e999", capacityPlan("1e999"), Expect::kInputError),
      planCase("plan-horizon-200000-digits", capacityPlan("1" + std::string(kManyDigits, '0')), Expect::kInputError),
      planCase("plan-horizon-negative-zero", capacityPlan("-0"), Expect::kAnyStatus),
      planCase("plan-trials-20-digit", capacityPlan("12", "99999999999999999999"), Expect::kInputError),
      planCase("plan-count-nan", capacityPlan("12", "0", ".nan"), Expect::kInputError),
      planCase("plan-count-inf", capacityPlan("12", "0", ".inf"), Expect::kInputError),
      planCase("plan-count-start-nan", capacityPlan("12", "0", "{start: .nan, per_month: 1}"), Expect::kInputError),
      planCase("plan-growth-inf", capacityPlan("12", "0", "{start: 5, monthly_growth: .inf}"), Expect::kInputError),
      planCase("plan-monthly-growth-1", capacityPlan("600", "0", "{start: 5, monthly_growth: 1}"), Expect::kAnyStatus),
      planCase("plan-monthly-growth-1-trials",
               capacityPlan("600", "1000", "5",
                            "jobs:\n  - {name: t, kind: training, arrivals_per_day: {start: 5, monthly_growth: 1}, "
                            "duration_hours: 4}\n"),
               Expect::kAnyStatus),
      planCase("plan-monthly-growth-1e308", capacityPlan("600", "0", "{start: 5, monthly_growth: 1e308}"),
               Expect::kAnyStatus),
      planCase("plan-per-month-huge", capacityPlan("600", "0", "{start: 5, per_month: 1e300}"), Expect::kAnyStatus),
      planCase("plan-steps-nan", capacityPlan("12", "0", "{steps: [{month: 0, value: 1}, {month: .nan, value: 2}]}"),
               Expect::kInputError),
      planCase("plan-percentiles-nan", capacityPlan("12", "100", "5", "percentiles: [.nan, 50]\n"),
               Expect::kInputError),
      planCase("plan-steep-history", capacityPlan("600", "0", "{history: history.csv, fit: compound}"),
               Expect::kAnyStatus, steep),
      planCase("plan-steep-history-jobs",
               capacityPlan("600", "2000", "5",
                            "jobs:\n  - {name: t, kind: training, arrivals_per_day: {history: history.csv, fit: "
                            "compound}, duration_hours: 4}\n"),
               Expect::kAnyStatus, steep),
      planCase("plan-history-nan", capacityPlan("12", "0", "{history: history.csv, fit: linear}"),
               Expect::kInputError, "month,count\n0,1\n1,nan\n"),
      planCase("plan-history-inf", capacityPlan("12", "0", "{history: history.csv, fit: linear}"),
               Expect::kInputError, "month,count\n0,inf\n1,2\n"),
      planCase("plan-history-1e999", capacityPlan("12", "0", "{history: history.csv, fit: linear}"),
               Expect::kInputError, "month,count\n0,1e999\n1,2\n"),
      planCase("plan-history-one-row", capacityPlan("12", "0", "{history: history.csv, fit: compound}"),
               Expect::kAnyStatus, "month,count\n0,5\n"),
      planCase("plan-history-million-rows", capacityPlan("12", "0", "{history: history.csv, fit: linear}"),
               Expect::kAnyStatus, [] {
                 std::string rows = "month,count\n";
                 for (int i = 0; i < 1000000; ++i) rows += std::to_string(i) + "," + std::to_string(i % 97) + "\n";
                 return rows;
               }()),
      planCase("plan-duration-negative",
               capacityPlan("12", "100", "5", "jobs:\n  - {name: t, kind: training, arrivals_per_day: 5, duration_hours: -4}\n"),
               Expect::kInputError),
      planCase("plan-burst-multiplier-huge",
               capacityPlan("12", "100", "5",
                            "jobs:\n  - {name: t, kind: training, arrivals_per_day: 5, duration_hours: 4, "
                            "burst: {probability: 1, multiplier: 1e300}}\n"),
               Expect::kAnyStatus),
      planCase("plan-instances-per-job-huge",
               capacityPlan("12", "100", "5",
                            "jobs:\n  - {name: t, kind: training, arrivals_per_day: 5, duration_hours: 4, "
                            "instances_per_job: 99999999999999999999}\n"),
               Expect::kInputError),
  };
}

std::vector<HostileCase> regressionCases() {
  // What the CLI runs on a saved input of each fuzz target; `file` is the
  // target's default frame (fuzz_input.h), the other frames sit beside it.
  using Command = std::function<Args(const Workspace&, const std::string& file,
                                     const std::vector<vpcsim::fuzz::Frame>& frames)>;
  const std::vector<std::tuple<std::string, std::string, Command>> targets = {
      {"native", "topology.yaml",
       [](const Workspace&, const std::string& file, const auto&) {
         return Args{"describe", "--topology", file, "--output", "json"};
       }},
      {"snapshot", "Vpcs.json",
       [](const Workspace& ws, const std::string&, const auto&) {
         return Args{"describe", "--snapshot", ws.path("input"), "--output", "json"};
       }},
      {"cloudformation", "template.yaml",
       [](const Workspace&, const std::string& file, const auto& frames) {
         Args args{"describe", "--template", file};
         for (const auto& frame : frames) {
           if (frame.path != "parameters") continue;
           args.push_back("--parameter-overrides");
           std::istringstream lines(frame.text);
           for (std::string line; std::getline(lines, line);) {
             if (line.find('=') != std::string::npos) args.push_back(line);
           }
         }
         args.push_back("--output");
         args.push_back("json");
         return args;
       }},
      {"scenario", "scenario.yaml",
       [](const Workspace&, const std::string& file, const auto&) { return Args{"run", file, "--output", "json"}; }},
      {"plan", "plan.yaml",
       [](const Workspace& ws, const std::string& file, const auto&) {
         return Args{"capacity", "--topology", topo(ws), "--plan", file, "--output", "json"};
       }},
      {"scope", "scope.json",
       [](const Workspace& ws, const std::string& file, const auto&) {
         return Args{"verify", "--topology", topo(ws), "--scope", file, "--output", "json"};
       }},
  };
  std::vector<HostileCase> cases;
  const fs::path root = fs::path(VPCSIM_SOURCE_DIR) / "tests" / "data" / "hostile";
  for (const auto& [target, default_name, command] : targets) {
    if (!fs::is_directory(root / target)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(root / target)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& saved : files) {
      cases.push_back({"regression-" + target + "-" + saved.stem().string(),
                       [saved, name = default_name, run = command](const Workspace& ws) {
                         std::ifstream in(saved, std::ios::binary);
                         std::stringstream bytes;
                         bytes << in.rdbuf();
                         auto frames = vpcsim::fuzz::splitFrames(bytes.str(), name);
                         for (const auto& frame : frames) {
                           if (vpcsim::fuzz::safeRelative(frame.path)) ws.write("input/" + frame.path, frame.text);
                         }
                         return run(ws, ws.path("input/" + name), frames);
                       }});
    }
  }
  return cases;
}

}  // namespace vpcsim::hostile
