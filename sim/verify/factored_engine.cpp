// The factored engine of the exhaustive checks: traces each path once for
// the interfaces alike but for their security groups and once for all the
// classes the tables it consulted sort alike, then combines every
// interface's groups with those tables (docs/verify.md, "The factored engine").
#include <algorithm>
#include <array>
#include <memory>
#include <unordered_map>

#include <fmt/format.h>

#include "sim/rules.h"
#include "sim/verify/verify_internal.h"

namespace vpcsim::sim::verify_detail {

using topology::NetworkAcl;
using topology::PeerKind;
using topology::PrefixList;
using topology::SecurityGroup;
using topology::TgwAttachment;
using topology::Vpc;

namespace {

/// Row-major bit matrix: one row per shadow (below), one bit per header class.
class Bits {
 public:
  Bits() = default;
  Bits(size_t rows, size_t columns) : words_((columns + 63) / 64), bits_(rows * words_, 0) {}
  [[nodiscard]] size_t words() const { return words_; }
  uint64_t* row(size_t r) { return bits_.data() + r * words_; }
  [[nodiscard]] const uint64_t* row(size_t r) const { return bits_.data() + r * words_; }
  void set(size_t r, size_t c) { row(r)[c / 64] |= uint64_t{1} << (c % 64); }
  [[nodiscard]] bool empty() const {
    return std::all_of(bits_.begin(), bits_.end(), [](uint64_t w) { return w == 0; });
  }
  std::vector<uint64_t>& raw() { return bits_; }
  [[nodiscard]] const std::vector<uint64_t>& raw() const { return bits_; }

 private:
  size_t words_ = 0;
  std::vector<uint64_t> bits_;
};

/// How the tables a trace consults sort the factored engine's cells (an
/// address, one per shadow, and a path header class): two cells that every
/// table a trace consulted, and the tracer's fixed questions, sort alike
/// take the same path to the same verdict, so that trace decides both
/// (tracer.h, Consulted). A route table sorts addresses by the blocks of
/// its routes, of the prefix lists they name and of its VPC; a network ACL
/// by its entries' blocks and, within a protocol, destination ports by its
/// entries' ranges; a transit gateway route table by its static routes and
/// the blocks of the VPCs propagating into it. The fixed questions: is the
/// address public, is it the stand-in address of new interfaces (whether an
/// interface holds it is settled by the caller, who reuses only traces to
/// addresses nothing holds); protocol and ICMP type and code always count,
/// as does whether the port is below 1024 (the NAT gateway's floor). The
/// scope's own CIDRs and ports (packet-header statements) count too: a
/// decision reads them, though no table does.
class CellClasses {
 public:
  CellClasses(const Topology& topo, const std::vector<Ipv4>& addresses, const std::vector<HeaderClass>& headers,
              const std::vector<Cidr>& scope_cidrs, const std::vector<PortRange>& scope_ports)
      : topo_(topo) {
    // Classes by containment pattern: the blocks (or port ranges) holding
    // the value, one bit each; values with one pattern are told apart by no
    // block, whichever field of the packet the table reads them in.
    auto classesBy = [](size_t values, size_t items, auto&& holds) {
      std::map<std::vector<bool>, uint32_t> patterns;
      std::vector<uint32_t> out;
      out.reserve(values);
      std::vector<bool> pattern(items);
      for (size_t v = 0; v < values; ++v) {
        for (size_t i = 0; i < items; ++i) pattern[i] = holds(v, i);
        out.push_back(patterns.try_emplace(pattern, static_cast<uint32_t>(patterns.size())).first->second);
      }
      return out;
    };
    auto addressClasses = [&](const std::vector<Cidr>& blocks) {
      return classesBy(addresses.size(), blocks.size(), [&](size_t a, size_t b) { return blocks[b].contains(addresses[a]); });
    };
    for (const auto& table : topo.route_tables) {
      std::vector<Cidr> blocks;
      for (const auto& route : table.routes) {
        if (route.destination) blocks.push_back(*route.destination);
        if (const PrefixList* list = route.destination ? nullptr : topo.findPrefixList(route.destination_prefix_list)) {
          blocks.insert(blocks.end(), list->cidrs.begin(), list->cidrs.end());
        }
      }
      const Vpc* vpc = topo.findVpc(table.vpc_id);
      if (vpc != nullptr) blocks.insert(blocks.end(), vpc->cidrs.begin(), vpc->cidrs.end());
      table_vpc_.push_back(vpc);
      route_tables_.push_back({addressClasses(blocks), {}});
    }
    for (const auto& acl : topo.network_acls) {
      std::vector<Cidr> blocks;
      std::vector<PortRange> ranges;
      for (const auto& entry : acl.entries) {
        if (entry.cidr) blocks.push_back(*entry.cidr);
        ranges.push_back(entry.ports);
      }
      acls_.push_back({addressClasses(blocks), classesBy(headers.size(), ranges.size(), [&](size_t h, size_t r) {
                         return ranges[r].contains(headers[h].destination_port);
                       })});
    }
    for (const auto& table : topo.tgw_route_tables) {
      std::vector<Cidr> blocks;
      for (const auto& route : table.static_routes) blocks.push_back(route.destination);
      for (const auto& id : table.propagating_attachments) {
        const TgwAttachment* attachment = topo.findTgwAttachment(id);
        const Vpc* vpc = attachment != nullptr && attachment->resource_type == "vpc"
                             ? topo.findVpc(attachment->resource_id)
                             : nullptr;
        if (vpc != nullptr) blocks.insert(blocks.end(), vpc->cidrs.begin(), vpc->cidrs.end());
      }
      tgw_tables_.push_back({addressClasses(blocks), {}});
    }
    const std::vector<uint32_t> in_scope = addressClasses(scope_cidrs);
    for (size_t a = 0; a < addresses.size(); ++a) {
      const Ipv4 address = addresses[a];
      fixed_.push_back((address.isPublic() ? 1U : 0U) | (address == Ipv4(kNewInterfacePublicAddress) ? 2U : 0U) |
                       in_scope[a] << 2);
    }
    const std::vector<uint32_t> scope_port = classesBy(headers.size(), scope_ports.size(), [&](size_t h, size_t r) {
      return scope_ports[r].contains(headers[h].destination_port);
    });
    std::map<std::tuple<int, int, int, bool, uint32_t>, uint32_t> kinds;
    for (size_t h = 0; h < headers.size(); ++h) {
      const HeaderClass& header = headers[h];
      bool port = header.protocol == kProtocolTcp || header.protocol == kProtocolUdp;
      auto key = std::make_tuple(header.protocol, port ? 0 : header.icmp_type, port ? 0 : header.icmp_code,
                                 port && header.destination_port < 1024, port ? scope_port[h] : 0U);
      kind_.push_back(kinds.try_emplace(key, static_cast<uint32_t>(kinds.size())).first->second);
    }
  }

  /// The tables `consulted` names, as sorted item codes; nullopt when the
  /// trace stands for its own packet alone.
  [[nodiscard]] std::optional<std::vector<uint64_t>> items(const Consulted& consulted) const {
    if (consulted.other) return std::nullopt;
    std::vector<uint64_t> out;
    for (const auto& lookup : consulted.route_tables) {
      auto index = indexIn(topo_.route_tables, lookup.table);
      if (!index || lookup.vpc != table_vpc_[*index]) return std::nullopt;
      out.push_back(code(kRouteTable, *index));
    }
    for (const auto* acl : consulted.acls) {
      auto index = indexIn(topo_.network_acls, acl);
      if (!index) return std::nullopt;
      out.push_back(code(kAcl, *index));
    }
    for (const auto* table : consulted.tgw_route_tables) {
      auto index = indexIn(topo_.tgw_route_tables, table);
      if (!index) return std::nullopt;
      out.push_back(code(kTgwRouteTable, *index));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  /// The cells' classes under `items`: a class for every address and one
  /// for every header; two cells share a class pair when every item (and
  /// the fixed questions) sorts them alike.
  struct Partition {
    std::vector<uint32_t> address;  ///< by address
    std::vector<uint32_t> header;   ///< by header
    size_t address_classes = 0;
    size_t header_classes = 0;
  };
  [[nodiscard]] Partition partition(const std::vector<uint64_t>& items) const {
    Partition out;
    // Signatures side by side in `seen`, `width` values each; classes are few, so found by scanning.
    std::vector<uint32_t> seen;
    std::vector<uint32_t> signature;
    auto classOf = [&](size_t& classes) {
      const size_t width = signature.size();
      for (size_t c = 0; c < classes; ++c) {
        if (std::equal(signature.begin(), signature.end(), seen.begin() + static_cast<std::ptrdiff_t>(c * width))) {
          return static_cast<uint32_t>(c);
        }
      }
      seen.insert(seen.end(), signature.begin(), signature.end());
      return static_cast<uint32_t>(classes++);
    };
    for (size_t a = 0; a < fixed_.size(); ++a) {
      signature.assign(1, fixed_[a]);
      for (uint64_t item : items) signature.push_back(table(item).address[a]);
      out.address.push_back(classOf(out.address_classes));
    }
    seen.clear();
    for (size_t h = 0; h < kind_.size(); ++h) {
      signature.assign(1, kind_[h]);
      for (uint64_t item : items) {
        if (static_cast<Kind>(item >> 32) == kAcl) signature.push_back(table(item).port[h]);
      }
      out.header.push_back(classOf(out.header_classes));
    }
    return out;
  }

 private:
  enum Kind : uint64_t { kRouteTable, kAcl, kTgwRouteTable };
  struct Classes {
    std::vector<uint32_t> address;  ///< by address
    std::vector<uint32_t> port;     ///< by header (network ACLs)
  };

  static uint64_t code(Kind kind, size_t index) { return uint64_t{kind} << 32 | index; }
  [[nodiscard]] const Classes& table(uint64_t item) const {
    auto index = static_cast<size_t>(item & 0xFFFFFFFFU);
    switch (static_cast<Kind>(item >> 32)) {
      case kRouteTable: return route_tables_[index];
      case kAcl: return acls_[index];
      case kTgwRouteTable: break;
    }
    return tgw_tables_[index];
  }
  template <typename T>
  static std::optional<size_t> indexIn(const std::vector<T>& items, const T* item) {
    if (items.empty() || item < items.data() || item >= items.data() + items.size()) return std::nullopt;
    return static_cast<size_t>(item - items.data());
  }

  const Topology& topo_;
  std::vector<Classes> route_tables_;
  std::vector<const Vpc*> table_vpc_;
  std::vector<Classes> acls_;
  std::vector<Classes> tgw_tables_;
  std::vector<uint32_t> fixed_;  ///< by address: public? the stand-in?
  std::vector<uint32_t> kind_;   ///< by header: protocol, ICMP type and code, port below 1024
};

/// The factored engine. Soundness argument, on top of the one at the top of
/// this file:
/// 1. Shadows. Cut the address space at every boundary except the edges of
///    single held addresses (Index::forEachHeldAddress); each of those coarser
///    atoms is a shadow. A class whose other end is an address nothing
///    holds behaves like every other such class of its shadow (no predicate
///    tells them apart). A class to a held public address leaves or enters
///    the VPC exactly like its shadow (the holder is looked up only beyond
///    the internet gateway), so it is decided alike; only whether the reply
///    comes back may differ, which matters for the example alone, and the
///    example prefers unheld addresses (exampleScore) and traces held ones.
/// 2. Security groups apart. The member's own groups are consulted once on
///    the path (egress as the source leaves, ingress as the target receives;
///    replies pass them statefully) and match public peers by CIDR and
///    prefix list only (references never match a public address), so a
///    class's fate is: the path's fate when the groups allow it, the path
///    cut where the groups are when they deny it or cannot tell. Each path
///    is traced once per key (members alike but for their groups) with the
///    groups checked apart; each member only combines its groups' allowed
///    and unsettled sets with the key's table.
/// The result equals tracePerClass's, report for report (tested).
class FactoredEngine {
 public:
  FactoredEngine(const Network::Index& ix, const Enumeration& e, const std::vector<Cidr>& extra_cidrs,
                 const AddressSet& held, unsigned threads)
      : ix_(ix), e_(e), held_(held), threads_(threads), extra_cidrs_(extra_cidrs) {
    shadowsOf(atomsOf(addressBoundaries(ix, extra_cidrs, Coarser{true, false}), kAddressSpaceEnd));
    // A member's own address matters to its path only through routes and
    // network ACLs (the tracer reads no subnet block; its own groups are
    // apart and no other group sees it on a path to or from the internet).
    keys(atomsOf(addressBoundaries(ix, extra_cidrs, Coarser{true, true}), kAddressSpaceEnd));
    // The header classes paths can tell apart (the members' own groups cut the rest).
    ProtocolSpace path_space(ix.topo, e_.scope_ports, false);
    path_headers_ = path_space.classes();
    headers_of_path_.resize(path_headers_.size());
    for (size_t h = 0; h < e_.headers.size(); ++h) {
      Packet packet = headerPacket(h);
      path_space.represent(packet);
      auto it = std::find_if(path_headers_.begin(), path_headers_.end(), [&](const HeaderClass& c) {
        return c.protocol == packet.protocol && c.destination_port == packet.destination_port &&
               c.icmp_type == packet.icmp_type && c.icmp_code == packet.icmp_code;
      });
      if (it == path_headers_.end()) {
        // Not expected (represent() gives what classes() lists); a class of its own is always sound.
        path_headers_.push_back(e_.headers[h]);
        headers_of_path_.emplace_back();
        it = path_headers_.end() - 1;
      }
      headers_of_path_[static_cast<size_t>(it - path_headers_.begin())].push_back(h);
    }
  }

  Tally run() {
    const size_t rows = shadows_.size();
    const size_t columns = e_.headers.size();
    // Security groups of every member, each evaluated once.
    // The topology's groups by position, then those members name that the
    // input lacks, in order of first use; members' lists on every core.
    std::unordered_map<std::string_view, size_t> group_index;
    for (const auto& group : ix_.topo.security_groups) group_index.emplace(group.meta.id, group_index.size());
    group_start_.assign(e_.members + 1, 0);
    for (size_t m = 0; m < e_.members; ++m) group_start_[m + 1] = group_start_[m] + e_.groups(m).size();
    group_list_.assign(group_start_.back(), SIZE_MAX);
    constexpr size_t kMembersPerChunk = 4096;
    forEachInParallel(threads_, (e_.members + kMembersPerChunk - 1) / kMembersPerChunk, [&](size_t chunk) {
      for (size_t m = chunk * kMembersPerChunk; m < std::min(e_.members, (chunk + 1) * kMembersPerChunk); ++m) {
        const auto& ids = e_.groups(m);
        for (size_t i = 0; i < ids.size(); ++i) {
          if (auto it = group_index.find(ids[i]); it != group_index.end()) group_list_[group_start_[m] + i] = it->second;
        }
      }
    });
    for (size_t m = 0; m < e_.members; ++m) {
      for (size_t i = group_start_[m]; i < group_start_[m + 1]; ++i) {
        if (group_list_[i] != SIZE_MAX) continue;
        const std::string& id = e_.groups(m)[i - group_start_[m]];
        group_list_[i] = group_index.try_emplace(id, group_index.size()).first->second;
      }
    }
    std::vector<std::string> group_ids(group_index.size());
    for (const auto& [id, index] : group_index) group_ids[index] = id;
    std::vector<size_t> used(group_list_);
    std::sort(used.begin(), used.end());
    used.erase(std::unique(used.begin(), used.end()), used.end());
    allowed_.resize(group_ids.size());
    unsettled_.resize(group_ids.size());
    forEachInParallel(threads_, used.size(), [&](size_t u) {
      allowed_[used[u]] = Bits(rows, columns);
      unsettled_[used[u]] = Bits(rows, columns);
      evaluateGroup(group_ids[used[u]], used[u]);
    }, e_.watch);
    // Every key's paths.
    std::vector<Ipv4> examples;
    for (const Shadow& shadow : shadows_) examples.push_back(e_.address(shadow.example));
    cells_ = std::make_unique<CellClasses>(ix_.topo, examples, path_headers_, extra_cidrs_, e_.scope_ports);
    tables_.resize(key_members_.size());
    forEachInParallel(threads_, key_members_.size(), [&](size_t k) { tabulate(k); }, e_.watch);
    // Every member against its key's table.
    // In runs of members, each with its own memo (members of a key are mostly neighbours).
    const size_t runs = std::min<size_t>(e_.members, size_t{threadCount(threads_)} * 8);
    auto tally = tallyInParallel<Pending>(threads_, runs, [&](size_t run, Pending& part) {
      Run state;
      for (size_t m = run * e_.members / runs; m < (run + 1) * e_.members / runs; ++m) combine(m, part, state);
    }, e_.watch);
    return finish(std::move(tally));
  }

 private:
  /// A class the engine traces once its group is known.
  struct Candidate {
    size_t member = 0;
    size_t atom = 0;
    size_t header = 0;
  };
  using Pending = BasicTally<Candidate, Candidate>;

  struct Shadow {
    size_t first = 0;      ///< its atoms [first, end) in e_.atoms
    size_t end = 0;
    size_t example = 0;    ///< the unheld atom an example uses (8.8.8.8's when it holds it)
    bool has_free = false; ///< some atom is not held
  };

  /// What the classes of one key come to, by the state of the member's groups.
  enum State { kAllowed, kDenied, kUnsettled, kStates };
  struct Table {
    std::vector<Decision> decisions;                        ///< those that count (finding, undetermined)
    std::vector<std::array<Bits, kStates>> cells;           ///< per decision
    std::vector<std::vector<std::string>> assumption_sets;  ///< generalised
    std::vector<std::array<Bits, kStates>> assumption_cells;
    uint64_t traces = 0;
  };

  void shadowsOf(const std::vector<Atom>& coarse) {
    size_t current = SIZE_MAX;
    for (size_t a = 0; a < e_.atoms.size(); ++a) {
      const Atom& atom = e_.atoms[a];
      auto it = std::upper_bound(coarse.begin(), coarse.end(), atom.first,
                                 [](uint64_t v, const Atom& c) { return v < c.end; });
      auto index = static_cast<size_t>(it - coarse.begin());
      if (index != current || shadows_.empty()) {
        shadows_.push_back(Shadow{a, a, a, false});
        current = index;
      }
      Shadow& shadow = shadows_.back();
      shadow.end = a + 1;
      bool is_held = atom.end - atom.first == 1 && held_.contains(atom.first);
      if (is_held) continue;
      bool eight = e_.address(a) == Ipv4(0x08080808);
      if (!shadow.has_free || eight) shadow.example = a;
      shadow.has_free = true;
    }
    for (const HeaderClass& header : e_.headers) {
      if (header.protocol == kProtocolTcp && header.destination_port == 443) break;
      ++https_;
    }
  }

  void keys(const std::vector<Atom>& coarse) {
    // The members' keys on every core, then numbered in member order.
    std::vector<std::pair<std::string, size_t>> of(e_.members);
    forEachInParallel(threads_, (e_.members + 1023) / 1024, [&](size_t chunk) {
      for (size_t m = chunk * 1024; m < std::min(e_.members, (chunk + 1) * 1024); ++m) {
        auto [prefix, address] = e_.key(m);
        auto it = std::upper_bound(coarse.begin(), coarse.end(), uint64_t{address.value()},
                                   [](uint64_t v, const Atom& c) { return v < c.end; });
        of[m] = {std::move(prefix), static_cast<size_t>(it - coarse.begin())};
      }
    });
    struct Hash {
      size_t operator()(const std::pair<std::string, size_t>& key) const {
        return std::hash<std::string>{}(key.first) ^ (key.second * 0x9E3779B97F4A7C15ULL);
      }
    };
    std::unordered_map<std::pair<std::string, size_t>, size_t, Hash> seen;
    key_of_.resize(e_.members);
    for (size_t m = 0; m < e_.members; ++m) {
      auto [found, inserted] = seen.try_emplace(std::move(of[m]), key_members_.size());
      if (inserted) key_members_.push_back(m);
      key_of_[m] = found->second;
    }
  }

  Packet headerPacket(size_t header) const { return classPacket(Ipv4(), Ipv4(), e_.headers[header], 49152); }

  /// The classes one group allows, and those it cannot settle, as
  /// evaluateSecurityGroups decides them for a public peer.
  void evaluateGroup(const std::string& id, size_t g) {
    Bits& yes = allowed_[g];
    Bits& unknown = unsettled_[g];
    const SecurityGroup* group = ix_.topo.findSecurityGroup(id);
    auto all = [&](Bits& bits, const std::vector<uint64_t>& mask) {
      for (size_t r = 0; r < shadows_.size(); ++r) {
        for (size_t w = 0; w < bits.words(); ++w) bits.row(r)[w] |= mask[w];
      }
    };
    std::vector<uint64_t> every((e_.headers.size() + 63) / 64, 0);
    for (size_t h = 0; h < e_.headers.size(); ++h) every[h / 64] |= uint64_t{1} << (h % 64);
    if (group == nullptr) {
      all(unknown, every);
      return;
    }
    for (const auto& rule : e_.egress ? group->egress : group->ingress) {
      std::vector<uint64_t> mask(every.size(), 0);
      for (size_t h = 0; h < e_.headers.size(); ++h) {
        if (sgRuleMatchesTraffic(rule, headerPacket(h))) mask[h / 64] |= uint64_t{1} << (h % 64);
      }
      if (std::all_of(mask.begin(), mask.end(), [](uint64_t w) { return w == 0; })) continue;
      std::vector<Cidr> cidrs;
      switch (rule.peer_kind) {
        case PeerKind::kCidr: cidrs.push_back(rule.cidr); break;
        case PeerKind::kIpv6Cidr: break;
        case PeerKind::kPrefixList:
          if (const PrefixList* list = ix_.topo.findPrefixList(rule.peer)) {
            cidrs = list->cidrs;
          } else {
            all(unknown, mask);
          }
          break;
        case PeerKind::kSecurityGroup:
          if (ix_.topo.findSecurityGroup(rule.peer) == nullptr) all(unknown, mask);
          break;
      }
      for (size_t r = 0; r < shadows_.size() && !cidrs.empty(); ++r) {
        Ipv4 peer = e_.address(shadows_[r].example);
        if (std::any_of(cidrs.begin(), cidrs.end(), [&](const Cidr& c) { return c.contains(peer); })) {
          for (size_t w = 0; w < yes.words(); ++w) yes.row(r)[w] |= mask[w];
        }
      }
    }
  }

  /// Decides every (shadow, path header) cell of key `k`, its member's
  /// groups apart: by a trace of its own, or by an earlier trace whose
  /// consulted tables sort it alike (CellClasses).
  void tabulate(size_t k) {
    Table& table = tables_[k];
    const size_t member = key_members_[k];
    std::map<Decision, size_t> decision_index;
    std::map<std::vector<std::string>, size_t> assumption_index;
    auto decisionOf = [&](const Decision& decision) -> int {
      if (decision.kind == Decision::Kind::kNone) return -1;
      auto [it, inserted] = decision_index.try_emplace(decision, table.decisions.size());
      if (inserted) {
        table.decisions.push_back(decision);
        table.cells.push_back({Bits(shadows_.size(), e_.headers.size()), Bits(shadows_.size(), e_.headers.size()),
                               Bits(shadows_.size(), e_.headers.size())});
      }
      return static_cast<int>(it->second);
    };
    auto assumptionsOf = [&](const std::vector<std::string>& texts, size_t count) -> int {
      if (count == 0) return -1;
      std::set<std::string> general;
      for (size_t i = 0; i < count; ++i) general.insert(generalise(texts[i]));
      std::vector<std::string> sorted(general.begin(), general.end());
      auto [it, inserted] = assumption_index.try_emplace(sorted, table.assumption_sets.size());
      if (inserted) {
        table.assumption_sets.push_back(sorted);
        table.assumption_cells.push_back({Bits(shadows_.size(), e_.headers.size()),
                                          Bits(shadows_.size(), e_.headers.size()),
                                          Bits(shadows_.size(), e_.headers.size())});
      }
      return static_cast<int>(it->second);
    };
    // What a cell comes to by the state of the member's groups: a decision
    // and an assumption set (indexes into the table, -1 for none) per state.
    struct Outcome {
      std::array<int, kStates> decision{};
      std::array<int, kStates> assumptions{};
    };
    auto apply = [&](const Outcome& outcome, size_t r, size_t p) {
      for (size_t state = 0; state < kStates; ++state) {
        for (size_t h : headers_of_path_[p]) {
          if (outcome.decision[state] >= 0) table.cells[static_cast<size_t>(outcome.decision[state])][state].set(r, h);
          if (outcome.assumptions[state] >= 0) {
            table.assumption_cells[static_cast<size_t>(outcome.assumptions[state])][state].set(r, h);
          }
        }
      }
    };
    auto traceCell = [&](size_t r, size_t p, Consulted& consulted) {
      Packet packet = e_.packet(member, shadows_[r].example, path_headers_[p], e_.source_ports.front());
      TraceResult result = e_.trace(member, shadows_[r].example, packet, true, &consulted);
      ++table.traces;
      Outcome outcome;
      Decision decision = e_.decide(member, packet, result);
      outcome.decision[kAllowed] = decisionOf(decision);
      outcome.assumptions[kAllowed] = assumptionsOf(result.assumptions, result.assumptions.size());
      if (!result.checked_apart) {
        // The groups were never consulted: every state fares alike.
        outcome.decision.fill(outcome.decision[kAllowed]);
        outcome.assumptions.fill(outcome.assumptions[kAllowed]);
        return outcome;
      }
      // Where the groups stand, a trace they stop ends (tracer.h, CheckedApart).
      const CheckedApart cut = *result.checked_apart;
      TraceResult stopped;
      stopped.source = result.source;
      stopped.path.assign(result.path.begin(), result.path.begin() + static_cast<std::ptrdiff_t>(cut.hops));
      stopped.assumptions.assign(result.assumptions.begin(),
                                 result.assumptions.begin() + static_cast<std::ptrdiff_t>(cut.assumptions));
      stopped.verdict = Verdict::kUnreachable;
      stopped.explanations = {{"ENI_SG_RULES_MISMATCH", "", ""}};
      outcome.decision[kDenied] = decisionOf(e_.decide(member, packet, stopped));
      outcome.assumptions[kDenied] = assumptionsOf(stopped.assumptions, cut.assumptions);
      stopped.verdict = Verdict::kUndetermined;
      stopped.explanations = {{"SG_RULE_UNRESOLVED", "", ""}};
      outcome.decision[kUnsettled] = decisionOf(e_.decide(member, packet, stopped));
      outcome.assumptions[kUnsettled] = outcome.assumptions[kDenied];
      return outcome;
    };
    // Traces by the tables they consulted: the cells' classes under those
    // tables, and what each traced class came to.
    struct Reuse {
      std::vector<uint64_t> items;
      CellClasses::Partition classes;
      std::vector<int> outcome_of;  ///< by (address class, header class): index into outcomes, -1 none yet
      std::vector<Outcome> outcomes;
      int* at(size_t r, size_t p) { return &outcome_of[classes.address[r] * classes.header_classes + classes.header[p]]; }
    };
    std::vector<Reuse> reuses;
    size_t last_hit = 0;
    Consulted consulted;
    for (size_t r = 0; r < shadows_.size(); ++r) {
      // A key can take long: the deadline is asked within it too (the part is then unfinished).
      if (e_.watch != nullptr && r % 64 == 63 && !e_.watch->proceed()) return;
      for (size_t p = 0; p < path_headers_.size(); ++p) {
        if (headers_of_path_[p].empty()) continue;
        // Only traces to addresses nothing holds stand for others (a holder changes the path beyond the gateway).
        const bool reusable = shadows_[r].has_free;
        const Outcome* known = nullptr;
        for (size_t n = 0; n < reuses.size() && reusable && known == nullptr; ++n) {
          const size_t i = (last_hit + n) % reuses.size();  // neighbouring cells mostly share tables
          if (int index = *reuses[i].at(r, p); index >= 0) {
            known = &reuses[i].outcomes[static_cast<size_t>(index)];
            last_hit = i;
          }
        }
        if (known != nullptr) {
          apply(*known, r, p);
          continue;
        }
        Outcome outcome = traceCell(r, p, consulted);
        apply(outcome, r, p);
        std::optional<std::vector<uint64_t>> items = reusable ? cells_->items(consulted) : std::nullopt;
        if (!items) continue;
        auto it = std::find_if(reuses.begin(), reuses.end(), [&](const Reuse& reuse) { return reuse.items == *items; });
        if (it == reuses.end()) {
          Reuse reuse;
          reuse.classes = cells_->partition(*items);
          reuse.items = std::move(*items);
          reuse.outcome_of.assign(reuse.classes.address_classes * reuse.classes.header_classes, -1);
          it = reuses.insert(reuses.end(), std::move(reuse));
        }
        *it->at(r, p) = static_cast<int>(it->outcomes.size());
        it->outcomes.push_back(outcome);
      }
    }
  }

  static bool any(const uint64_t* row, size_t words) {
    return std::any_of(row, row + words, [](uint64_t w) { return w != 0; });
  }
  static int lowest(const uint64_t* row, size_t words) {
    for (size_t w = 0; w < words; ++w) {
      if (row[w] != 0) return static_cast<int>(w * 64 + static_cast<size_t>(__builtin_ctzll(row[w])));
    }
    return -1;
  }
  [[nodiscard]] bool has(const uint64_t* row, size_t bit) const {
    return bit < e_.headers.size() && (row[bit / 64] >> (bit % 64) & 1) != 0;
  }

  /// What a member's classes come to, as the tally operations that count
  /// them (combine); members alike in key, group states, renames and
  /// example score share them.
  struct Combined {
    struct Op {
      bool finding = false;
      std::string rule, group, detail;  ///< the finding or undetermined key
      uint64_t classes = 0;
      int score = 0;
      size_t atom = 0;
      size_t header = 0;
    };
    std::vector<Op> ops;
    std::vector<size_t> assumption_sets;  ///< indexes into the key's table
    bool shared = true;  ///< false: an example was traced for this member alone (held addresses)
    // Within the run: what the run's tally already holds of it.
    bool assumptions_counted = false;
    std::vector<ScoredGroup<Candidate>*> finding_groups;  ///< by op, once counted
    std::vector<bool> undetermined_counted;               ///< by op
  };
  /// What decides a Combined.
  struct MemoKey {
    size_t key = 0;
    std::vector<uint64_t> states;  ///< allowed then unsettled bits
    const std::string* group = nullptr;
    std::string component;
    bool eight = false;
    bool operator==(const MemoKey& other) const {
      return key == other.key && states == other.states && group == other.group && component == other.component &&
             eight == other.eight;
    }
  };
  struct MemoHash {
    size_t operator()(const MemoKey& k) const {
      size_t h = k.key * 0x9E3779B97F4A7C15ULL ^ std::hash<const void*>{}(k.group) ^ (k.eight ? 0x5bd1e995 : 0) ^
                 std::hash<std::string>{}(k.component);
      for (uint64_t word : k.states) h = (h ^ word) * 0x100000001B3ULL;
      return h;
    }
  };
  /// One run of members (combine): its memo and scratch space.
  struct Run {
    std::unordered_map<MemoKey, Combined, MemoHash> known;
    std::array<Bits, kStates> state;
    MemoKey probe;
  };

  /// One member: its groups' states against its key's table.
  void combine(size_t m, Pending& part, Run& run) {
    const size_t k = key_of_[m];
    const size_t rows = shadows_.size();
    const size_t columns = e_.headers.size();
    const size_t words = (columns + 63) / 64;
    std::array<Bits, kStates>& state = run.state;
    if (state[kAllowed].raw().empty()) state = {Bits(rows, columns), Bits(rows, columns), Bits(rows, columns)};
    std::fill(state[kAllowed].raw().begin(), state[kAllowed].raw().end(), 0);
    std::fill(state[kUnsettled].raw().begin(), state[kUnsettled].raw().end(), 0);
    for (size_t i = group_start_[m]; i < group_start_[m + 1]; ++i) {
      const size_t g = group_list_[i];
      for (size_t w = 0; w < state[kAllowed].raw().size(); ++w) {
        state[kAllowed].raw()[w] |= allowed_[g].raw()[w];
        state[kUnsettled].raw()[w] |= unsettled_[g].raw()[w];
      }
    }
    for (size_t r = 0; r < rows; ++r) {
      for (size_t w = 0; w < words; ++w) {
        uint64_t valid = w + 1 < words || columns % 64 == 0 ? ~uint64_t{0} : (uint64_t{1} << (columns % 64)) - 1;
        uint64_t& yes = state[kAllowed].row(r)[w];
        uint64_t& unknown = state[kUnsettled].row(r)[w];
        unknown &= ~yes;
        state[kDenied].row(r)[w] = valid & ~yes & ~unknown;
      }
    }
    part.classes_checked += uint64_t{e_.atoms.size()} * columns;
    if (e_.watch != nullptr) e_.watch->decided(uint64_t{e_.atoms.size()} * columns);
    // A decision naming the key's traced member names this one instead.
    Rename rename;
    if (const size_t traced = key_members_[k]; traced != m) {
      if (e_.group) {
        rename.traced_group = &e_.group(traced);
        rename.group = &e_.group(m);
      }
      if (e_.component) std::tie(rename.traced_component, rename.component) = std::make_pair(e_.component(traced), e_.component(m));
    }
    // The example score reads the member's own address only as "is it 8.8.8.8" (exampleScore).
    Packet any = e_.packet(m, shadows_.front().example, e_.headers.front(), e_.source_ports.front());
    MemoKey& probe = run.probe;
    probe.key = k;
    probe.states.assign(state[kAllowed].raw().begin(), state[kAllowed].raw().end());
    probe.states.insert(probe.states.end(), state[kUnsettled].raw().begin(), state[kUnsettled].raw().end());
    probe.group = rename.group;
    probe.component = rename.component;
    probe.eight = (e_.egress ? any.source : any.destination) == Ipv4(0x08080808);
    auto found = run.known.find(probe);
    Combined fresh;
    if (found == run.known.end()) {
      fresh = tabulated(m, state, rename, part.traces);
      if (fresh.shared) found = run.known.emplace(probe, std::move(fresh)).first;
    }
    Combined& combined = found != run.known.end() ? found->second : fresh;
    const Table& table = tables_[k];
    if (!combined.assumptions_counted) {
      for (size_t s : combined.assumption_sets) {
        part.assumptions.insert(table.assumption_sets[s].begin(), table.assumption_sets[s].end());
      }
      combined.assumptions_counted = true;
      combined.finding_groups.assign(combined.ops.size(), nullptr);
      combined.undetermined_counted.assign(combined.ops.size(), false);
    }
    for (size_t i = 0; i < combined.ops.size(); ++i) {
      const Combined::Op& op = combined.ops[i];
      Candidate candidate{m, op.atom, op.header};
      if (op.finding) {
        ScoredGroup<Candidate>*& group = combined.finding_groups[i];
        if (group == nullptr) group = &part.groups[{op.rule, op.group, op.detail}];
        part.addFinding(*group, op.classes, op.score, [&] { return candidate; });
      } else if (!combined.undetermined_counted[i]) {
        part.addUndetermined({op.group, op.detail}, op.classes, [&] { return candidate; });
        combined.undetermined_counted[i] = true;
      } else {
        part.undetermined_classes += op.classes;  // the group has its example already
      }
    }
  }

  struct Rename {
    const std::string* traced_group = nullptr;
    const std::string* group = nullptr;
    std::string traced_component, component;
  };

  /// What member `m`'s classes come to, given its groups' `state`.
  Combined tabulated(size_t m, const std::array<Bits, kStates>& state, const Rename& rename, uint64_t& traces) const {
    const Table& table = tables_[key_of_[m]];
    const size_t rows = shadows_.size();
    const size_t columns = e_.headers.size();
    const size_t words = (columns + 63) / 64;
    Combined out;
    for (size_t s = 0; s < table.assumption_sets.size(); ++s) {
      bool hit = false;
      for (int t = 0; t < kStates && !hit; ++t) {
        const auto& cells = table.assumption_cells[s][static_cast<size_t>(t)].raw();
        const auto& mine = state[static_cast<size_t>(t)].raw();
        for (size_t i = 0; i < cells.size() && !hit; ++i) hit = (cells[i] & mine[i]) != 0;
      }
      if (hit) out.assumption_sets.push_back(s);
    }
    // Classes of each decision, then by finding group (round trip or not).
    std::map<FindingKey, std::pair<Bits, Bits>> findings;  // all, round trips
    for (size_t d = 0; d < table.decisions.size(); ++d) {
      const Decision& decision = table.decisions[d];
      Bits mine(rows, columns);
      for (int t = 0; t < kStates; ++t) {
        const auto& cells = table.cells[d][static_cast<size_t>(t)].raw();
        const auto& own = state[static_cast<size_t>(t)].raw();
        for (size_t i = 0; i < cells.size(); ++i) mine.raw()[i] |= cells[i] & own[i];
      }
      if (mine.empty()) continue;
      std::string group = decision.group;
      if (rename.group != nullptr && group == *rename.traced_group) group = *rename.group;
      if (decision.kind == Decision::Kind::kUndetermined) {
        size_t r = 0;
        while (!any(mine.row(r), words)) ++r;
        out.ops.push_back({false, "", group, decision.detail, weighted(mine), 0, shadows_[r].first,
                           static_cast<size_t>(lowest(mine.row(r), words))});
        continue;
      }
      std::string exit = decision.detail;
      if (exit == rename.traced_component) exit = rename.component;
      auto& [all, round_trips] =
          findings.try_emplace({decision.rule, group, exit}, Bits(rows, columns), Bits(rows, columns))
              .first->second;
      for (size_t i = 0; i < mine.raw().size(); ++i) {
        all.raw()[i] |= mine.raw()[i];
        if (decision.round_trip) round_trips.raw()[i] |= mine.raw()[i];
      }
    }
    for (const auto& [key, bits] : findings) {
      const uint64_t before = traces;
      auto [score, candidate] = best(m, bits.first, bits.second, traces);
      out.shared = out.shared && traces == before;
      out.ops.push_back({true, std::get<0>(key), std::get<1>(key), std::get<2>(key), weighted(bits.first), score,
                         candidate.atom, candidate.header});
    }
    return out;
  }

  /// Classes a bit matrix stands for: each shadow row counts its atoms.
  uint64_t weighted(const Bits& bits) const {
    uint64_t total = 0;
    for (size_t r = 0; r < shadows_.size(); ++r) {
      uint64_t ones = 0;
      for (size_t w = 0; w < bits.words(); ++w) ones += static_cast<uint64_t>(__builtin_popcountll(bits.row(r)[w]));
      total += ones * (shadows_[r].end - shadows_[r].first);
    }
    return total;
  }

  /// The first class with the best example score among a member's classes
  /// of one group, as tracePerClass would find it: unheld atoms first (each
  /// shadow's first unheld atom, or 8.8.8.8's, stands for its unheld atoms);
  /// held ones are traced only when no unheld class is in the group.
  std::pair<int, Candidate> best(size_t m, const Bits& all, const Bits& round_trips, uint64_t& traces) const {
    const size_t words = all.words();
    int best_score = -1;
    Candidate winner;
    for (size_t r = 0; r < shadows_.size(); ++r) {
      const Shadow& shadow = shadows_[r];
      if (!shadow.has_free || !any(all.row(r), words)) continue;
      const uint64_t* rt = round_trips.row(r);
      int header = 0;
      bool round_trip = false;
      if (has(rt, https_)) {
        header = static_cast<int>(https_);
        round_trip = true;
      } else if (any(rt, words)) {
        header = lowest(rt, words);
        round_trip = true;
      } else if (has(all.row(r), https_)) {
        header = static_cast<int>(https_);
      } else {
        header = lowest(all.row(r), words);
      }
      auto h = static_cast<size_t>(header);
      int score = exampleScore(round_trip, e_.packet(m, shadow.example, e_.headers[h], e_.source_ports.front()), false);
      if (score > best_score) {
        best_score = score;
        winner = Candidate{m, shadow.example, static_cast<size_t>(header)};
      }
    }
    if (best_score >= 0) return {best_score, winner};
    // Only held addresses: trace them in order (a held class may or may not get its reply back).
    for (size_t r = 0; r < shadows_.size(); ++r) {
      const uint64_t* row = all.row(r);
      if (!any(row, words)) continue;
      for (size_t atom = shadows_[r].first; atom < shadows_[r].end; ++atom) {
        for (size_t h = 0; h < e_.headers.size(); ++h) {
          if (!has(row, h)) continue;
          Packet packet = e_.packet(m, atom, e_.headers[h], e_.source_ports.front());
          TraceResult result = e_.trace(m, atom, packet, false, nullptr);
          ++traces;
          bool is_held = held_.contains(e_.address(atom).value());
          int score = exampleScore(result.verdict == Verdict::kReachable, packet, is_held);
          if (score > best_score) {
            best_score = score;
            winner = Candidate{m, atom, h};
          }
        }
      }
    }
    return {best_score, winner};
  }

  /// Traces the winning examples.
  Tally finish(Pending&& pending) const {
    Tally tally;
    tally.classes_checked = pending.classes_checked;
    tally.traces = pending.traces + pending.groups.size() + pending.undetermined.size();
    for (const Table& table : tables_) tally.traces += table.traces;
    tally.undetermined_classes = pending.undetermined_classes;
    tally.assumptions = std::move(pending.assumptions);
    // The examples' full traces, on every core.
    std::vector<std::pair<const FindingKey*, const ScoredGroup<Candidate>*>> groups;
    for (const auto& [key, group] : pending.groups) groups.emplace_back(&key, &group);
    std::vector<InternetFinding> examples(groups.size());
    std::vector<std::pair<const UndeterminedKey*, const Candidate*>> undetermined;
    for (const auto& [key, c] : pending.undetermined) undetermined.emplace_back(&key, &c);
    std::vector<TraceResult> undetermined_examples(undetermined.size());
    forEachInParallel(threads_, groups.size() + undetermined.size(), [&](size_t i) {
      const Candidate& c = i < groups.size() ? groups[i].second->example : *undetermined[i - groups.size()].second;
      Packet packet = e_.packet(c.member, c.atom, e_.headers[c.header], e_.source_ports.front());
      TraceResult result = e_.trace(c.member, c.atom, packet, false, nullptr);
      if (i >= groups.size()) {
        undetermined_examples[i - groups.size()] = std::move(result);
        return;
      }
      Decision decision = e_.decide(c.member, packet, result);
      std::string label = e_.label(c.member, e_.address(c.atom));
      examples[i] = exampleFinding(decision, label, packet, std::move(result), e_.inbound);
    }, e_.watch);
    for (size_t i = 0; i < groups.size(); ++i) {
      ScoredGroup<InternetFinding>& out = tally.groups[*groups[i].first];
      out.classes = groups[i].second->classes;
      out.score = groups[i].second->score;
      out.example = std::move(examples[i]);
    }
    for (size_t i = 0; i < undetermined.size(); ++i) {
      tally.undetermined.emplace(*undetermined[i].first, std::move(undetermined_examples[i]));
    }
    return tally;
  }

  const Network::Index& ix_;
  const Enumeration& e_;
  const AddressSet& held_;
  unsigned threads_;
  std::vector<Cidr> extra_cidrs_;  ///< the scope's CIDRs (and those of its prefix lists)
  std::vector<Shadow> shadows_;
  std::vector<HeaderClass> path_headers_;             ///< classes of the paths (network ACLs cut them)
  std::vector<std::vector<size_t>> headers_of_path_;  ///< the header classes in each
  size_t https_ = 0;  ///< the header class of tcp/443 (headers.size() when none)
  std::vector<size_t> key_of_;
  std::vector<size_t> key_members_;  ///< the first member of every key
  std::vector<Bits> allowed_;        ///< per group
  std::vector<Bits> unsettled_;
  std::vector<size_t> group_start_;  ///< member m's groups: group_list_[group_start_[m], group_start_[m + 1])
  std::vector<size_t> group_list_;
  std::vector<Table> tables_;
  std::unique_ptr<CellClasses> cells_;  ///< how consulted tables sort the cells (tabulate)
};

}  // namespace

Tally runFactoredEngine(const Network::Index& ix, const Enumeration& e, const std::vector<Cidr>& extra_cidrs,
                        const AddressSet& held, unsigned threads) {
  return FactoredEngine(ix, e, extra_cidrs, held, threads).run();
}

}  // namespace vpcsim::sim::verify_detail
