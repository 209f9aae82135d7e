// Internals the exhaustive engines share (sim/verify.cpp, the class-by-class
// engine and the checks; sim/factored_engine.cpp, the factored engine): the
// classes of addresses and headers, the decisions and tallies, the parallel
// loops and the enumeration both engines run. Not an API.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/network_index.h"
#include "sim/tracer.h"
#include "sim/verify/verify.h"
#include "topology/model.h"

namespace vpcsim::sim::verify_detail {

using topology::kProtocolIcmp;
using topology::kProtocolTcp;
using topology::kProtocolUdp;
using topology::PortRange;
using topology::Topology;

constexpr uint64_t kAddressSpaceEnd = uint64_t{1} << 32;

/// Half-open atoms [first, end) cut from [0, space) at `points`.
struct Atom {
  uint64_t first = 0;
  uint64_t end = 0;
};

/// `points`: in ascending order, repeats allowed.
template <typename Points>
std::vector<Atom> atomsOf(const Points& points, uint64_t space) {
  std::vector<Atom> atoms;
  uint64_t previous = 0;
  auto cut = [&](uint64_t point) {
    if (point <= previous || point > space) return;
    atoms.push_back({previous, point});
    previous = point;
  };
  for (uint64_t point : points) cut(point);
  cut(space);
  return atoms;
}

/// A set of addresses, filled, then sealed and only asked.
class AddressSet {
 public:
  void add(Ipv4 address) { values_.push_back(address.value()); }
  void seal() {
    std::sort(values_.begin(), values_.end());
    values_.erase(std::unique(values_.begin(), values_.end()), values_.end());
    sealed_ = true;
  }
  [[nodiscard]] bool sealed() const { return sealed_; }
  [[nodiscard]] bool contains(uint64_t address) const {
    return std::binary_search(values_.begin(), values_.end(), static_cast<uint32_t>(address)) &&
           address < kAddressSpaceEnd;
  }
  /// False when an address is in the set twice (asked before sealing).
  [[nodiscard]] bool distinct() const {
    std::vector<uint32_t> sorted = values_;
    std::sort(sorted.begin(), sorted.end());
    return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
  }

 private:
  std::vector<uint32_t> values_;
  bool sealed_ = false;
};

/// The atom's preferred value when it holds it, else its first value.
inline int representative(const Atom& atom, int preferred) {
  auto value = static_cast<uint64_t>(preferred);
  return static_cast<int>(value >= atom.first && value < atom.end ? value : atom.first);
}

/// Which boundaries addressBoundaries() leaves out.
struct Coarser {
  bool held = false;             ///< the edges of held single addresses (Index::forEachHeldAddress)
  bool subnets_and_groups = false;  ///< subnet blocks and security-group rule CIDRs
};

/// Every address boundary any rule, route or address of the topology uses,
/// but those `coarser` leaves out.
inline std::vector<uint64_t> addressBoundaries(const Network::Index& ix, const std::vector<Cidr>& extra, Coarser coarser = {}) {
  const Network::Index::AddressPoints& known = ix.addressPoints();
  std::vector<uint64_t> points;
  for (const auto& block : extra) {
    points.push_back(block.first().value());
    points.push_back(uint64_t{block.last().value()} + 1);
  }
  std::sort(points.begin(), points.end());
  auto merge = [&](const std::vector<uint64_t>& more) {
    std::vector<uint64_t> merged(points.size() + more.size());
    std::merge(points.begin(), points.end(), more.begin(), more.end(), merged.begin());
    points = std::move(merged);
  };
  merge(known.base);
  if (!coarser.held) merge(known.held);
  if (!coarser.subnets_and_groups) merge(known.subnets_and_groups);
  return points;
}

/// One class of packet headers (the destination address is chosen apart).
struct HeaderClass {
  int protocol = kProtocolTcp;
  int destination_port = 443;
  int icmp_type = 8;
  int icmp_code = 0;
};

/// Protocol, port and ICMP atoms from every SG rule, NACL entry and load
/// balancer listener (and the extra ports of a scope, for TCP and UDP).
struct ProtocolSpace {
  std::map<int, std::vector<Atom>> port_atoms;  ///< tcp, udp
  std::vector<Atom> type_atoms;
  std::vector<Atom> code_atoms;
  std::set<int> named;  ///< other protocol numbers some rule names
  int unnamed = -1;     ///< one protocol number no rule names, standing for all of them

  /// Without `security_groups`, only network ACL entries (and the fixed
  /// points) cut the space: the classes a path beyond an interface's own
  /// groups can tell apart.
  ProtocolSpace(const Topology& topo, const std::vector<PortRange>& extra_ports, bool security_groups = true) {
    std::map<int, std::set<uint64_t>> port_points;  // by protocol (tcp, udp)
    std::set<uint64_t> type_points{8, 9};           // echo request is answered by type 0
    std::set<uint64_t> code_points;
    std::set<int> protocols;
    auto ports = [&](int protocol, int from, int to) {
      if (protocol != kProtocolTcp && protocol != kProtocolUdp) return;
      if (from < 0 && to < 0) return;
      port_points[protocol].insert(static_cast<uint64_t>(std::clamp(from, 0, 65536)));
      port_points[protocol].insert(static_cast<uint64_t>(std::clamp(to, -1, 65535) + 1));
    };
    auto icmp = [&](int type, int code) {
      if (type >= 0) {
        type_points.insert(static_cast<uint64_t>(std::min(type, 256)));
        type_points.insert(static_cast<uint64_t>(std::min(type, 255) + 1));
      }
      if (code >= 0) {
        code_points.insert(static_cast<uint64_t>(std::min(code, 256)));
        code_points.insert(static_cast<uint64_t>(std::min(code, 255) + 1));
      }
    };
    for (const auto& group : topo.security_groups) {
      if (!security_groups) break;
      for (const auto* rules : {&group.ingress, &group.egress}) {
        for (const auto& rule : *rules) {
          protocols.insert(rule.protocol);
          ports(rule.protocol, rule.from_port, rule.to_port);
          if (rule.protocol == kProtocolIcmp) icmp(rule.from_port, rule.to_port);
        }
      }
    }
    for (const auto& acl : topo.network_acls) {
      for (const auto& entry : acl.entries) {
        protocols.insert(entry.protocol);
        ports(entry.protocol, entry.ports.from, entry.ports.to);
        if (entry.protocol == kProtocolIcmp) icmp(entry.icmp_type, entry.icmp_code);
      }
    }
    for (const auto& range : extra_ports) {
      ports(kProtocolTcp, range.from, range.to);
      ports(kProtocolUdp, range.from, range.to);
    }
    // A load balancer forwards only what a listener takes (the tracer's
    // ELB_LISTENERS_MISMATCH): each listener port is a class of its own.
    for (const auto& listener : topo.lb_listeners) {
      if (listener.port <= 0) continue;
      ports(kProtocolTcp, listener.port, listener.port);
      ports(kProtocolUdp, listener.port, listener.port);
    }
    for (int protocol : {kProtocolTcp, kProtocolUdp}) {
      std::set<uint64_t> points = port_points[protocol];
      points.insert(1024);  // the NAT gateway's source-port floor
      port_atoms[protocol] = atomsOf(points, 65536);
    }
    type_atoms = atomsOf(type_points, 256);
    code_atoms = atomsOf(code_points, 256);
    // Protocol numbers named by a rule are classes of their own; every other
    // number behaves alike, so one unnamed number (ESP, 50, when free) stands
    // for them.
    for (int protocol : protocols) {
      if (protocol >= 0 && protocol != kProtocolTcp && protocol != kProtocolUdp && protocol != kProtocolIcmp) {
        named.insert(protocol);
      }
    }
    for (int candidate = 50; candidate < 50 + 256 && unnamed < 0; ++candidate) {
      int number = candidate % 256;
      if (number != kProtocolTcp && number != kProtocolUdp && number != kProtocolIcmp && named.count(number) == 0) {
        unnamed = number;
      }
    }
  }

  std::vector<HeaderClass> classes() const {
    std::vector<HeaderClass> out;
    for (int protocol : {kProtocolTcp, kProtocolUdp}) {
      for (const Atom& atom : port_atoms.at(protocol)) out.push_back({protocol, representative(atom, 443), 0, 0});
    }
    for (const Atom& type : type_atoms) {
      for (const Atom& code : code_atoms) {
        out.push_back({kProtocolIcmp, 0, representative(type, 8), representative(code, 0)});
      }
    }
    for (int protocol : named) out.push_back({protocol, 0, 0, 0});
    if (unnamed >= 0) out.push_back({unnamed, 0, 0, 0});
    return out;
  }

  static const Atom& atomOf(const std::vector<Atom>& atoms, uint64_t value) {
    auto it = std::upper_bound(atoms.begin(), atoms.end(), value,
                               [](uint64_t v, const Atom& atom) { return v < atom.end; });
    return it == atoms.end() ? atoms.back() : *it;
  }

  /// The class representative of `packet`'s protocol fields.
  void represent(Packet& packet) const {
    if (packet.protocol == kProtocolTcp || packet.protocol == kProtocolUdp) {
      const auto& atoms = port_atoms.at(packet.protocol);
      packet.destination_port =
          representative(atomOf(atoms, static_cast<uint64_t>(std::clamp(packet.destination_port, 0, 65535))), 443);
    } else if (packet.protocol == kProtocolIcmp) {
      packet.icmp_type = representative(atomOf(type_atoms, static_cast<uint64_t>(std::clamp(packet.icmp_type, 0, 255))), 8);
      packet.icmp_code = representative(atomOf(code_atoms, static_cast<uint64_t>(std::clamp(packet.icmp_code, 0, 255))), 0);
    } else if (named.count(packet.protocol) == 0 && unnamed >= 0) {
      packet.protocol = unnamed;
    }
    // Exactly the fields classes() gives the other protocols.
    if (packet.protocol != kProtocolTcp && packet.protocol != kProtocolUdp) packet.destination_port = 0;
    if (packet.protocol != kProtocolIcmp) {
      packet.icmp_type = 0;
      packet.icmp_code = 0;
    }
  }
};

/// The packet of a class.
inline Packet classPacket(IpAddress source, IpAddress destination, const HeaderClass& header, int source_port) {
  Packet packet;
  packet.source = source;
  packet.destination = destination;
  packet.protocol = header.protocol;
  packet.source_port = source_port;
  packet.destination_port = header.destination_port;
  packet.icmp_type = header.icmp_type;
  packet.icmp_code = header.icmp_code;
  return packet;
}

/// The representative address of an atom: 8.8.8.8 when it holds it, else its first address.
inline Ipv4 atomAddress(const Atom& atom) {
  return atom.first <= 0x08080808 && 0x08080808 < atom.end ? Ipv4(0x08080808) : Ipv4(static_cast<uint32_t>(atom.first));
}

/// Drops the per-packet address from the tracer's prefix-list assumption,
/// so one line stands for every class.
inline std::string generalise(const std::string& assumption) {
  const std::string_view marker = "its route is assumed not to match ";
  size_t at = assumption.find(marker);
  if (at == std::string::npos) return assumption;
  return assumption.substr(0, at) + "its route is assumed to match no internet address";
}

using FindingKey = std::tuple<std::string, std::string, std::string>;  ///< rule, source group, exit
using UndeterminedKey = std::pair<std::string, std::string>;            ///< source group, explanation code

/// How good an example a class makes: prefer an address no interface holds
/// (a plain internet host), then a round trip, then one to (or from)
/// 8.8.8.8, then tcp/443; among equals the first class checked. `held`: the
/// class's internet end is an address something in the input holds.
inline int exampleScore(bool round_trip, const Packet& p, bool held) {
  return (held ? 0 : 8) + (round_trip ? 4 : 0) +
         (p.destination == Ipv4(0x08080808) || p.source == Ipv4(0x08080808) ? 2 : 0) +
         (p.protocol == kProtocolTcp && p.destination_port == 443 ? 1 : 0);
}

/// The classes of one finding group and its best example so far.
template <typename Example>
struct ScoredGroup {
  uint64_t classes = 0;
  int score = -1;
  Example example;
};

/// What the checks of a run of classes add to a report: counts, finding
/// groups with their best example, the first example of every undetermined
/// group, assumptions. `Example` is a traced finding, or (factored engine)
/// the class to trace once the winner is known.
template <typename Example, typename Pending>
struct BasicTally {
  uint64_t classes_checked = 0;
  uint64_t undetermined_classes = 0;
  uint64_t traces = 0;
  std::map<FindingKey, ScoredGroup<Example>> groups;
  std::map<UndeterminedKey, Pending> undetermined;
  std::set<std::string> assumptions;

  /// Counts `classes` classes of group `key` whose best example scores
  /// `score`; make() gives that example when it beats the group's.
  template <typename Make>
  void addFinding(const FindingKey& key, uint64_t classes, int score, Make&& make) {
    addFinding(groups[key], classes, score, std::forward<Make>(make));
  }
  /// As above, into `group`, one of groups.
  template <typename Make>
  void addFinding(ScoredGroup<Example>& group, uint64_t classes, int score, Make&& make) {
    if (group.classes == 0 || score > group.score) {
      group.example = make();
      group.score = score;
    }
    group.classes += classes;
  }

  /// Counts `classes` undetermined classes of group `key`; make() gives the
  /// example when the group has none yet.
  template <typename Make>
  void addUndetermined(const UndeterminedKey& key, uint64_t classes, Make&& make) {
    undetermined_classes += classes;
    if (undetermined.count(key) == 0) undetermined.emplace(key, make());
  }

  /// Adds the tally of the classes checked after this one's: the result is
  /// the tally of both runs checked in order by one thread (the first best
  /// example of a group and the first undetermined example are kept).
  void append(BasicTally&& later) {
    classes_checked += later.classes_checked;
    undetermined_classes += later.undetermined_classes;
    traces += later.traces;
    assumptions.merge(later.assumptions);
    for (auto& [key, group] : later.groups) {
      auto [it, inserted] = groups.try_emplace(key);
      if (inserted) {
        it->second = std::move(group);
        continue;
      }
      uint64_t classes = it->second.classes + group.classes;
      if (group.score > it->second.score) it->second = std::move(group);
      it->second.classes = classes;
    }
    for (auto& [key, result] : later.undetermined) undetermined.try_emplace(key, std::move(result));
  }
};

using Tally = BasicTally<InternetFinding, TraceResult>;

/// How one class is decided, before it is counted.
struct Decision {
  enum class Kind { kNone, kFinding, kUndetermined };
  Kind kind = Kind::kNone;
  std::string rule;    ///< finding: "internet-free" or the scope path
  std::string group;   ///< the source subnet, or the entry point of inbound traffic
  std::string detail;  ///< finding: the exit point; undetermined: the explanation code
  bool round_trip = false;

  auto tie() const { return std::tie(kind, rule, group, detail, round_trip); }
  bool operator<(const Decision& other) const { return tie() < other.tie(); }
};

/// Fills a finding's example from a traced class (sim/verify.cpp).
InternetFinding exampleFinding(const Decision& decision, const std::string& source_label,
                               const Packet& packet, TraceResult&& result, bool inbound);

/// The time limit and progress of one check (VerifyOptions::deadline and
/// progress). The loops of the engines ask it before every item and skip
/// the rest once the deadline has passed; the check then knows which of
/// its parts did not finish. Reads the clock only when a deadline is set.
class Watch {
 public:
  Watch(const VerifyOptions& options, std::string check) : options_(options), check_(std::move(check)) {}

  /// Starts a part of the check (one thread at a time): `what` names it in
  /// progress and in the reason of a timeout.
  void startPart(std::string what) {
    part_ = std::move(what);
    planned_ = 0;
    skipped_ = false;
  }
  /// Adds `classes` to the classes the current part decides when it finishes.
  void plan(uint64_t classes) { planned_ += classes; }
  /// Ends the current part: unfinished when it skipped work for the deadline.
  void endPart() {
    if (skipped_) {
      unfinished_.push_back(part_);
      unfinished_classes_ += planned_;
    } else {
      finished_classes_ += planned_;
    }
  }
  /// The parts that did not finish, in order, and their classes; the classes of those that did.
  [[nodiscard]] const std::vector<std::string>& unfinished() const { return unfinished_; }
  [[nodiscard]] uint64_t unfinishedClasses() const { return unfinished_classes_; }
  [[nodiscard]] uint64_t finishedClasses() const { return finished_classes_; }
  /// Whether the deadline has passed (and work is being skipped).
  [[nodiscard]] bool expired() const {
    if (expired_) return true;
    if (options_.deadline && std::chrono::steady_clock::now() >= *options_.deadline) expired_ = true;
    return expired_;
  }

  /// Starts a loop of `total` items within the part.
  void startLoop(uint64_t total) {
    done_ = 0;
    total_ = total;
    report();
  }
  /// Before an item: false, and the part unfinished, once the deadline has passed.
  bool proceed() {
    if (!expired()) return true;
    skipped_ = true;
    return false;
  }
  /// After an item.
  void finished() {
    ++done_;
    report();
  }
  /// Classes decided (counted for progress only).
  void decided(uint64_t classes) { classes_ += classes; }

 private:
  void report() {
    if (!options_.progress) return;
    std::unique_lock<std::mutex> lock(reporting_, std::try_to_lock);
    if (!lock.owns_lock()) return;  // another thread is reporting: skip this one
    options_.progress(VerifyProgress{check_, part_, done_.load(), total_.load(), classes_.load()});
  }

  const VerifyOptions& options_;
  std::string check_;
  std::string part_;
  uint64_t planned_ = 0;
  std::vector<std::string> unfinished_;
  uint64_t unfinished_classes_ = 0;
  uint64_t finished_classes_ = 0;
  std::atomic<bool> skipped_{false};
  mutable std::atomic<bool> expired_{false};
  std::atomic<uint64_t> done_{0};
  std::atomic<uint64_t> total_{0};
  std::atomic<uint64_t> classes_{0};
  std::mutex reporting_;
};

/// Threads to use for VerifyOptions::threads (0 = one per core).
inline unsigned threadCount(unsigned threads) {
  return threads == 0 ? std::max(1U, std::thread::hardware_concurrency()) : threads;
}

/// Runs check(i, tally) for every i in [0, count) on all cores and returns
/// the tally one thread checking i = 0, 1, ... in order would give: each
/// item tallies on its own, and the tallies are appended in index order.
/// The traces share only the immutable Network.
/// With `watch`, items are skipped once its deadline has passed.
template <typename TallyType, typename Check>
TallyType tallyInParallel(unsigned threads, size_t count, Check&& check, Watch* watch = nullptr) {
  const unsigned wanted = threadCount(threads);
  if (watch != nullptr) watch->startLoop(count);
  auto one = [&](size_t i, TallyType& tally) {
    if (watch != nullptr && !watch->proceed()) return;
    check(i, tally);
    if (watch != nullptr) watch->finished();
  };
  if (wanted == 1) {
    // One thread: one tally in index order, no merging (what the merged tallies must equal).
    TallyType total;
    for (size_t i = 0; i < count; ++i) one(i, total);
    return total;
  }
  constexpr size_t kChunk = 1;  // sources (or targets) per chunk: each is thousands of traces
  const size_t chunks = (count + kChunk - 1) / kChunk;
  std::vector<TallyType> parts(chunks);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t chunk = next++; chunk < chunks; chunk = next++) {
      for (size_t i = chunk * kChunk; i < std::min(count, (chunk + 1) * kChunk); ++i) one(i, parts[chunk]);
    }
  };
  const size_t helpers = std::min<size_t>(wanted, chunks);
  std::vector<std::future<void>> running;
  for (size_t t = 1; t < helpers; ++t) running.push_back(std::async(std::launch::async, work));
  work();
  for (auto& done : running) done.get();
  TallyType total;
  for (auto& part : parts) total.append(std::move(part));
  return total;
}

/// Runs work(i) for every i in [0, count) on all cores (no result order to
/// keep); with `watch`, items are skipped once its deadline has passed.
template <typename Work>
void forEachInParallel(unsigned threads, size_t count, Work&& work, Watch* watch = nullptr) {
  const unsigned wanted = threadCount(threads);
  std::atomic<size_t> next{0};
  if (watch != nullptr) watch->startLoop(count);
  auto run = [&] {
    for (size_t i = next++; i < count; i = next++) {
      if (watch != nullptr && !watch->proceed()) continue;
      work(i);
      if (watch != nullptr) watch->finished();
    }
  };
  std::vector<std::future<void>> running;
  for (size_t t = 1; t < std::min<size_t>(wanted, count); ++t) running.push_back(std::async(std::launch::async, run));
  run();
  for (auto& done : running) done.get();
}

/// One direction of an exhaustive check: every member (an interface, or the
/// internet host standing for a target) against every address class in
/// `atoms` and every header class. Members are the interfaces whose own
/// security groups the factored engine checks apart: sources going out,
/// targets coming in.
struct Enumeration {
  bool egress = true;    ///< members send the packet (their egress groups); else they receive it
  bool inbound = false;  ///< findings are inbound paths (for openingOf)
  size_t members = 0;
  std::vector<Atom> atoms;  ///< address classes of the other end, in address order
  std::vector<HeaderClass> headers;
  std::vector<int> source_ports{49152};
  /// The packet of one class.
  std::function<Packet(size_t member, size_t atom, const HeaderClass&, int source_port)> packet;
  /// Traces one class's packet; `apart`: the member's security groups are
  /// checked apart (and the trace terse); `consulted`, when set, receives
  /// what the trace consulted.
  std::function<TraceResult(size_t member, size_t atom, const Packet&, bool apart, Consulted* consulted)> trace;
  std::function<Decision(size_t member, const Packet&, const TraceResult&)> decide;
  std::function<std::string(size_t member, Ipv4 other)> label;  ///< the finding's source label
  std::function<const std::vector<std::string>&(size_t member)> groups;
  /// What besides the address decides the member's path (subnet, kind,
  /// public address...), and the address; members whose keys and address
  /// classes match share their paths (factored engine).
  std::function<std::pair<std::string, Ipv4>(size_t member)> key;
  /// How a member appears as a component of a path (a target's delivered
  /// hop), when a decision can name it; empty when none can.
  std::function<std::string(size_t member)> component;
  /// The source group decisions give a member's classes (its subnet), when
  /// members of one key can differ in it; empty when they cannot.
  std::function<const std::string&(size_t member)> group;
  /// Class-by-class engine (tracePerClass): by atom, its shadow (an index
  /// into stand_ins) where the shadow's stand-in decides other atoms'
  /// classes for some members; SIZE_MAX elsewhere. Empty: no shadow does.
  std::vector<size_t> shadow_of;
  /// By shadow: the atom of it, one no address of which anything holds,
  /// whose classes stand for the classes `alike` names.
  std::vector<size_t> stand_ins;
  /// Whether `member`'s classes to `atom` (one of a shadow, not its
  /// stand-in) decide what the same classes to the stand-in decide, when
  /// those decide nothing (verifyScope: a private address only interfaces
  /// of other estates hold, sim/estate.h). Set when shadow_of is not empty.
  std::function<bool(size_t member, size_t atom)> alike;
  /// The destination ports a scope's packet-header statements name: the
  /// factored engine's paths are traced per class of them too.
  std::vector<PortRange> scope_ports;
  /// The check's time limit and progress (none when null).
  Watch* watch = nullptr;

  [[nodiscard]] Ipv4 address(size_t atom) const { return atomAddress(atoms[atom]); }
};

/// Runs `e` on the factored engine (sim/factored_engine.cpp), which gives
/// the report tracePerClass would give; `held`: public addresses something
/// holds. Precondition: the enumeration is factorable (runEnumeration).
Tally runFactoredEngine(const Network::Index& ix, const Enumeration& e, const std::vector<Cidr>& extra_cidrs,
                        const AddressSet& held, unsigned threads);

}  // namespace vpcsim::sim::verify_detail
