// Seeded synthetic AWS topologies for benchmarks and randomized tests.
#include "formats/generator.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <iterator>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "topology/aws_defaults.h"

namespace vpcsim::formats {

using namespace vpcsim::topology;  // the model this format fills

namespace {

constexpr std::string_view kRegion = "us-east-1";
constexpr std::string_view kAccount = "123456789012";
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
constexpr int kMaxEnisPerSubnet = 60000;

/// The AWS-managed prefix lists of us-east-1, as describe-prefix-lists prints them.
constexpr std::string_view kS3PrefixList = "pl-63a5400a";
constexpr std::string_view kDynamoDbPrefixList = "pl-02cd2c6b";

/// splitmix64's finaliser: a bijection on 64-bit values.
constexpr uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr Ipv4 ip(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return Ipv4((a << 24) | (b << 16) | (c << 8) | d);
}

/// Integer sampling over mt19937_64 that gives the same numbers with every
/// standard library (std::uniform_int_distribution does not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  /// Uniform in [0, n); n > 0. Rejection sampling keeps it unbiased.
  uint64_t below(uint64_t n) {
    assert(n > 0);
    const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
    uint64_t x = engine_();
    while (x >= limit) x = engine_();
    return x % n;
  }
  /// Uniform in [lo, hi].
  int range(int lo, int hi) {
    assert(lo <= hi);
    return lo + static_cast<int>(below(static_cast<uint64_t>(static_cast<int64_t>(hi) - lo) + 1));
  }
  std::size_t index(std::size_t n) { return static_cast<std::size_t>(below(n)); }
  bool percent(int p) { return below(100) < static_cast<uint64_t>(p); }
  template <typename C>
  const auto& pick(const C& items) {
    return items[index(std::size(items))];
  }
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[index(i)]);
  }

 private:
  std::mt19937_64 engine_;
};

/// AWS-looking IDs ("vpc-0" + 16 hex digits). A bijective mix of a counter
/// keyed by the seed, so IDs never collide and differ between seeds.
class IdMaker {
 public:
  explicit IdMaker(uint64_t seed) : key_(mix64(seed ^ 0x5eedfaceULL)) {}
  std::string next(std::string_view prefix) {
    static constexpr char kHex[] = "0123456789abcdef";
    uint64_t value = mix64(key_ + counter_++);
    std::string id(prefix);
    id.reserve(prefix.size() + 17);
    id += '0';
    for (int shift = 60; shift >= 0; shift -= 4) id += kHex[(value >> shift) & 0xf];
    return id;
  }

 private:
  uint64_t key_;
  uint64_t counter_ = 0;
};

/// Splits `total` in proportion to `weights` (largest share first on ties).
std::vector<int> apportion(int total, const std::vector<int>& weights) {
  std::vector<int> out(weights.size(), 0);
  if (weights.empty() || total <= 0) return out;
  int64_t sum = 0;
  for (int w : weights) sum += w;
  int given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    out[i] = static_cast<int>(static_cast<int64_t>(total) * weights[i] / sum);
    given += out[i];
  }
  for (std::size_t i = 0; given < total; i = (i + 1) % out.size(), ++given) ++out[i];
  return out;
}

enum class Role { kPublic, kPrivate, kIsolated };

struct SubnetPlan {
  std::size_t vpc = 0;
  int az = 0;
  Role role = Role::kIsolated;
  int enis = 0;          ///< workload ENIs
  int secondaries = 0;   ///< budget of secondary IPs
  int service_ips = 0;   ///< NAT and endpoint ENIs
  int prefix = 24;
  std::size_t nat = kNone;  ///< index into VpcPlan::nat_subnets of the NAT this subnet hosts
  bool endpoint = false;    ///< hosts an interface endpoint ENI
  // IP allocation
  uint32_t cursor = 4;
  uint32_t slack = 0;
};

struct VpcPlan {
  std::string name;
  std::size_t first_subnet = 0;
  std::size_t subnet_count = 0;
  int az_count = 1;
  bool has_igw = false;
  bool overlapping = false;
  bool nat_per_az = false;
  bool explicit_isolated_rt = false;
  bool s3_endpoint = false;
  bool interface_endpoint = false;
  bool appliance = false;
  bool blackhole = false;
  std::vector<std::size_t> nat_subnets;  ///< subnet plan index per NAT gateway
  std::vector<Cidr> cidrs;
  // Filled while building (indices into Topology vectors, valid until finalize).
  std::size_t vpc = 0;
  std::size_t first_sg = 0;
  std::size_t sg_count = 0;
  std::string igw_id;
  std::vector<std::string> nat_ids;
  std::size_t main_rt = kNone;
  std::size_t public_rt = kNone;
  std::size_t isolated_rt = kNone;
  std::vector<std::size_t> private_rts;  ///< one per NAT (or one when there is none)
  std::string appliance_eni;
  std::string appliance_instance;
};

constexpr std::array<std::string_view, 12> kVpcNames = {
    "prod", "staging", "dev", "shared-services", "data", "analytics",
    "payments", "identity", "ml", "logging", "edge", "batch"};
constexpr std::array<std::string_view, 8> kWorkloads = {"web", "app", "api", "db", "cache", "worker", "queue", "search"};
constexpr std::array<int, 14> kTcpPorts = {22, 80, 443, 3306, 5432, 6379, 8080, 8443, 9090, 27017, 11211, 2049, 3389, 53};
constexpr std::array<int, 5> kUdpPorts = {53, 123, 161, 514, 1194};
constexpr std::array<std::pair<int, int>, 5> kPortRanges = {
    std::pair{1024, 65535}, std::pair{8000, 8999}, std::pair{30000, 32767}, std::pair{0, 65535}, std::pair{6000, 6010}};
constexpr std::array<std::string_view, 5> kInterfaceServices = {"ssm", "sts", "ecr.api", "secretsmanager", "logs"};
constexpr std::array<std::string_view, 6> kZoneIds = {"use1-az6", "use1-az1", "use1-az2", "use1-az4", "use1-az3", "use1-az5"};

class Generator {
 public:
  explicit Generator(const GeneratorOptions& options) : options_(options), rng_(options.seed), ids_(options.seed) {
    enis_ = std::max(0, options.enis);
    subnets_ = options.subnets > 0 ? options.subnets : std::max(2, enis_ / 50);
    sgs_ = options.security_groups > 0 ? options.security_groups : std::max(2, enis_ / 20);
    rules_ = std::max(0, options.rules_per_group);
    vpcs_ = options.vpcs > 0 ? options.vpcs : std::max(1, subnets_ / 20);
    sgs_ = std::max(sgs_, vpcs_);
    assert(static_cast<int64_t>(enis_) <= static_cast<int64_t>(kMaxEnisPerSubnet) * subnets_);
  }

  Topology run() {
    topo_.default_region = std::string(kRegion);
    topo_.default_account = std::string(kAccount);
    planVpcs();
    planSubnets();
    allocateCidrs();
    makeVpcs();
    makeSubnets();
    makePrefixLists();
    makeSecurityGroups();
    makeGateways();
    makeEndpoints();
    makeWorkloadEnis();
    makeRouteTables();
    makeNetworkAcls();
    makePeerings();
    makeTransitGateway();
    makeDualStack();
    makeLoadBalancers();
    topo_.finalize();
    return std::move(topo_);
  }

 private:
  ResourceMeta meta(std::string id, std::string name) {
    ResourceMeta m;
    m.id = std::move(id);
    if (!name.empty()) m.tags.emplace_back("Name", name);
    m.name = std::move(name);
    m.account = std::string(kAccount);
    m.region = std::string(kRegion);
    return m;
  }
  static std::string_view envOf(std::size_t vpc) {
    constexpr std::array<std::string_view, 3> kEnvs = {"prod", "staging", "dev"};
    return kEnvs[vpc % kEnvs.size()];
  }
  static std::string azName(int az) { return std::string(kRegion) + static_cast<char>('a' + az); }

  // ---- planning ---------------------------------------------------------

  void planVpcs() {
    plans_.resize(static_cast<std::size_t>(vpcs_));
    std::vector<int> weights(plans_.size());
    for (int& w : weights) w = rng_.range(1, 4);
    const int spare = std::max(0, subnets_ - vpcs_);
    const std::vector<int> extra = apportion(spare, weights);
    std::size_t next = 0;
    for (std::size_t v = 0; v < plans_.size(); ++v) {
      VpcPlan& p = plans_[v];
      p.name = std::string(kVpcNames[v % kVpcNames.size()]);
      if (v >= kVpcNames.size()) p.name += "-" + std::to_string(v / kVpcNames.size() + 1);
      p.first_subnet = next;
      p.subnet_count = static_cast<std::size_t>((static_cast<int>(v) < subnets_ ? 1 : 0) + extra[v]);
      next += p.subnet_count;
    }
    assert(next == static_cast<std::size_t>(subnets_));
  }

  void planSubnets() {
    subnet_plans_.resize(static_cast<std::size_t>(subnets_));
    const bool variety = options_.variety;
    for (std::size_t v = 0; v < plans_.size(); ++v) {
      VpcPlan& p = plans_[v];
      const int k = static_cast<int>(p.subnet_count);
      p.az_count = k == 0 ? 1 : std::min(k, rng_.range(2, 3));
      int publics = 0;
      int privates = 0;
      if (variety && k > 0) {
        p.has_igw = v == 0 || rng_.percent(75);
        publics = p.has_igw ? std::max(1, (k + 2) / 4) : 0;
        const int rest = k - publics;
        const int isolated = rest * rng_.range(10, 35) / 100;
        privates = rest - isolated;
        p.explicit_isolated_rt = rng_.percent(50);
        p.nat_per_az = rng_.percent(30);
        p.blackhole = rng_.percent(15);
      }
      for (int j = 0; j < k; ++j) {
        SubnetPlan& s = subnet_plans_[p.first_subnet + static_cast<std::size_t>(j)];
        s.vpc = v;
        s.az = j % p.az_count;
        s.role = !variety ? Role::kIsolated : j < publics ? Role::kPublic : j < publics + privates ? Role::kPrivate : Role::kIsolated;
      }
      if (!variety || k == 0) continue;
      // NAT gateways live in public subnets: one per AZ or a single shared one.
      if (p.has_igw && privates > 0 && (v == 0 || rng_.percent(85))) {
        std::vector<bool> az_done(static_cast<std::size_t>(p.az_count), false);
        for (int j = 0; j < publics; ++j) {
          SubnetPlan& s = subnet_plans_[p.first_subnet + static_cast<std::size_t>(j)];
          if (az_done[static_cast<std::size_t>(s.az)]) continue;
          az_done[static_cast<std::size_t>(s.az)] = true;
          s.nat = p.nat_subnets.size();
          s.service_ips += 1;
          p.nat_subnets.push_back(p.first_subnet + static_cast<std::size_t>(j));
          if (!p.nat_per_az) break;
        }
      }
      const bool has_inner = publics < k;
      p.s3_endpoint = has_inner && (v == 0 || rng_.percent(50));
      p.interface_endpoint = has_inner && (v == std::min<std::size_t>(1, plans_.size() - 1) || rng_.percent(35));
      if (p.interface_endpoint) {
        std::vector<bool> az_done(static_cast<std::size_t>(p.az_count), false);
        for (int j = publics; j < k; ++j) {
          SubnetPlan& s = subnet_plans_[p.first_subnet + static_cast<std::size_t>(j)];
          if (az_done[static_cast<std::size_t>(s.az)]) continue;
          az_done[static_cast<std::size_t>(s.az)] = true;
          s.endpoint = true;
          s.service_ips += 1;
        }
      }
      p.appliance = publics > 0 && privates > 0 && rng_.percent(20);
    }

    // Workload ENIs per subnet, skewed by role unless subnets would overflow.
    std::vector<int> weights(subnet_plans_.size(), 1);
    if (variety && static_cast<int64_t>(enis_) <= static_cast<int64_t>(subnets_) * 12000) {
      for (std::size_t i = 0; i < subnet_plans_.size(); ++i) {
        const Role role = subnet_plans_[i].role;
        weights[i] = role == Role::kPublic ? rng_.range(1, 2) : role == Role::kPrivate ? rng_.range(2, 5) : rng_.range(1, 3);
      }
    }
    const std::vector<int> counts = apportion(enis_, weights);
    static constexpr std::array<int, 10> kPrefixes = {22, 23, 24, 24, 24, 24, 25, 26, 27, 28};
    for (std::size_t i = 0; i < subnet_plans_.size(); ++i) {
      SubnetPlan& s = subnet_plans_[i];
      s.enis = counts[i];
      s.secondaries = variety ? s.enis / 20 : 0;
      const int64_t needed = static_cast<int64_t>(s.enis) + s.secondaries + s.service_ips + 5;
      int prefix = variety ? rng_.pick(kPrefixes) : 24;
      while (prefix > 16 && (int64_t{1} << (32 - prefix)) < needed) --prefix;
      assert((int64_t{1} << (32 - prefix)) >= needed);
      s.prefix = prefix;
      s.slack = static_cast<uint32_t>((int64_t{1} << (32 - prefix)) - needed);
    }
  }

  void allocateCidrs() {
    // Distinct /16s: 10.0-255 (shuffled), then 172.16-31, then 100.64-127.
    std::vector<Cidr> pool;
    pool.reserve(336);
    for (uint32_t b = 0; b < 256; ++b) pool.push_back(Cidr::of(ip(10, b, 0, 0), 16));
    rng_.shuffle(pool);
    for (uint32_t b = 16; b < 32; ++b) pool.push_back(Cidr::of(ip(172, b, 0, 0), 16));
    for (uint32_t b = 64; b < 128; ++b) pool.push_back(Cidr::of(ip(100, b, 0, 0), 16));
    std::size_t next_pool = 0;
    cidr_of_.resize(subnet_plans_.size());
    auto take = [&](VpcPlan& p) {
      if (next_pool >= pool.size()) p.overlapping = true;  // out of space: reuse, never connect
      p.cidrs.push_back(pool[next_pool++ % pool.size()]);
    };

    const bool overlap_last = options_.variety && plans_.size() >= 4 && rng_.percent(50);
    std::vector<std::size_t> order;
    for (std::size_t v = 0; v < plans_.size(); ++v) {
      VpcPlan& p = plans_[v];
      if (overlap_last && v + 1 == plans_.size()) {
        p.cidrs.push_back(plans_[0].cidrs[0]);
        p.overlapping = true;
      } else {
        take(p);
      }
      // Biggest subnets first keeps every block aligned.
      order.clear();
      for (std::size_t i = 0; i < p.subnet_count; ++i) order.push_back(p.first_subnet + i);
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return subnet_plans_[a].prefix < subnet_plans_[b].prefix;
      });
      const bool split = options_.variety && order.size() >= 4 && rng_.percent(10);
      uint64_t cursor = p.cidrs.back().base().value();
      for (std::size_t n = 0; n < order.size(); ++n) {
        SubnetPlan& s = subnet_plans_[order[n]];
        const uint64_t size = uint64_t{1} << (32 - s.prefix);
        const uint64_t end = uint64_t{p.cidrs.back().last().value()} + 1;
        if (cursor + size > end || (split && n == order.size() / 2)) {
          take(p);
          cursor = p.cidrs.back().base().value();
        }
        cidr_of_[order[n]] = Cidr::of(Ipv4(static_cast<uint32_t>(cursor)), s.prefix);
        cursor += size;
      }
    }
  }

  // ---- objects ----------------------------------------------------------

  void makeVpcs() {
    topo_.vpcs.reserve(plans_.size());
    for (VpcPlan& p : plans_) {
      p.vpc = topo_.vpcs.size();
      Vpc vpc;
      vpc.meta = meta(ids_.next("vpc-"), p.name);
      // Tags as estates carry them (reports filter by them); drawn from the VPC's number, not the random stream.
      vpc.meta.tags.emplace_back("env", std::string(envOf(p.vpc)));
      vpc.cidrs = p.cidrs;
      vpc.dns_hostnames = rng_.percent(70);
      topo_.vpcs.push_back(std::move(vpc));
    }
  }

  void makeSubnets() {
    topo_.subnets.reserve(subnet_plans_.size());
    for (std::size_t i = 0; i < subnet_plans_.size(); ++i) {
      const SubnetPlan& s = subnet_plans_[i];
      const VpcPlan& p = plans_[s.vpc];
      const std::string_view role = s.role == Role::kPublic ? "public" : s.role == Role::kPrivate ? "private" : "isolated";
      Subnet subnet;
      subnet.meta = meta(ids_.next("subnet-"), p.name + "-" + std::string(role) + "-" +
                                                   static_cast<char>('a' + s.az) + "-" +
                                                   std::to_string(i - p.first_subnet + 1));
      subnet.meta.tags.emplace_back("env", std::string(envOf(p.vpc)));
      subnet.meta.tags.emplace_back("tier", std::string(role));
      subnet.vpc_id = topo_.vpcs[p.vpc].meta.id;
      subnet.availability_zone = azName(s.az);
      subnet.availability_zone_id = std::string(kZoneIds[static_cast<std::size_t>(s.az)]);
      subnet.cidr = cidr_of_[i];
      subnet.map_public_ip_on_launch = s.role == Role::kPublic;
      topo_.subnets.push_back(std::move(subnet));
    }
  }

  void makePrefixLists() {
    if (!options_.variety) return;
    PrefixList s3;
    s3.meta = meta(std::string(kS3PrefixList), "");
    s3.prefix_list_name = "com.amazonaws.us-east-1.s3";
    s3.aws_managed = true;
    for (std::string_view c : {"3.5.0.0/19", "16.182.0.0/16", "18.34.0.0/19", "52.216.0.0/15", "54.231.0.0/16"}) {
      s3.cidrs.push_back(*Cidr::parse(c));
    }
    PrefixList dynamo;
    dynamo.meta = meta(std::string(kDynamoDbPrefixList), "");
    dynamo.prefix_list_name = "com.amazonaws.us-east-1.dynamodb";
    dynamo.aws_managed = true;
    for (std::string_view c : {"3.218.180.0/22", "35.71.64.0/22", "52.94.0.0/22", "52.119.224.0/20"}) {
      dynamo.cidrs.push_back(*Cidr::parse(c));
    }
    PrefixList corp;
    corp_prefix_list_ = ids_.next("pl-");
    corp.meta = meta(corp_prefix_list_, "corp-networks");
    corp.prefix_list_name = "corp-networks";
    for (std::string_view c : {"192.168.0.0/16", "203.0.113.0/24", "198.51.100.64/26"}) corp.cidrs.push_back(*Cidr::parse(c));
    topo_.prefix_lists = {std::move(s3), std::move(dynamo), std::move(corp)};
  }

  Cidr randomPeerCidr(const VpcPlan& p) {
    const int roll = rng_.range(0, 99);
    if (roll < 30) return Cidr();  // 0.0.0.0/0
    if (roll < 55) return p.cidrs[0];
    if (roll < 70 && p.subnet_count > 0) return cidr_of_[p.first_subnet + rng_.index(p.subnet_count)];
    if (roll < 85) return rng_.pick(plans_).cidrs[0];
    if (roll < 95) {
      return rng_.percent(50) ? Cidr::of(ip(203, 0, 113, static_cast<uint32_t>(rng_.range(0, 255))), 32)
                              : Cidr::of(ip(198, 51, 100, 0), 24);
    }
    return Cidr::of(ip(192, 168, 0, 0), 16);
  }

  /// Appends one AWS permission (one or two flattened rules) to `rules`.
  void addPermission(std::vector<SgRule>& rules, const VpcPlan& p, const std::string& self, bool egress, int budget) {
    SgRule rule;
    rule.index = rules.empty() ? 0 : rules.back().index + 1;
    const int roll = rng_.range(0, 99);
    bool sg_peer = false;
    bool pl_peer = false;
    if (egress) {
      if (roll < 40) {
        rule.protocol = kProtocolTcp;
        rule.from_port = rule.to_port = 443;
      } else if (roll < 60 && options_.variety) {
        rule.protocol = kProtocolTcp;
        rule.from_port = rule.to_port = 443;
        pl_peer = true;
      } else if (roll < 80) {
        sg_peer = true;
        rule.protocol = kProtocolTcp;
        rule.from_port = rule.to_port = rng_.pick(kTcpPorts);
      } else {
        rule.protocol = kProtocolUdp;
        rule.from_port = rule.to_port = 53;
      }
    } else if (roll < 40) {
      rule.protocol = kProtocolTcp;
      rule.from_port = rule.to_port = rng_.pick(kTcpPorts);
    } else if (roll < 55) {
      rule.protocol = rng_.percent(75) ? kProtocolTcp : kProtocolUdp;
      const auto& r = rng_.pick(kPortRanges);
      rule.from_port = r.first;
      rule.to_port = r.second;
      if (rule.protocol == kProtocolUdp && rng_.percent(50)) rule.from_port = rule.to_port = rng_.pick(kUdpPorts);
    } else if (roll < 75) {
      sg_peer = true;
      if (rng_.percent(70)) {
        rule.protocol = kProtocolTcp;
        rule.from_port = rule.to_port = rng_.pick(kTcpPorts);
      }
    } else if (roll < 83 && options_.variety) {
      pl_peer = true;
      rule.protocol = kProtocolTcp;
      rule.from_port = rule.to_port = rng_.percent(50) ? 443 : 22;
    } else if (roll < 91) {
      rule.protocol = kProtocolIcmp;
      const int kind = rng_.range(0, 2);
      rule.from_port = kind == 0 ? 8 : kind == 1 ? -1 : 3;
      rule.to_port = kind == 2 ? 4 : -1;
    }  // else: protocol -1 from a CIDR
    if (rng_.percent(20)) rule.description = rule.protocol == kProtocolIcmp ? "ping and path mtu" : "managed by terraform";

    const int peers = budget >= 2 && rng_.percent(15) ? 2 : 1;
    for (int n = 0; n < peers; ++n) {
      SgRule r = rule;
      if (sg_peer) {
        r.peer_kind = PeerKind::kSecurityGroup;
        const std::size_t pick = p.first_sg + rng_.index(p.sg_count);
        r.peer = rng_.percent(30) ? self : topo_.security_groups[pick].meta.id;
      } else if (pl_peer) {
        r.peer_kind = PeerKind::kPrefixList;
        r.peer = egress ? std::string(rng_.percent(70) ? kS3PrefixList : kDynamoDbPrefixList) : corp_prefix_list_;
      } else {
        r.cidr = randomPeerCidr(p);
      }
      if (n == 1 && r.peer_kind == rules.back().peer_kind && r.peer == rules.back().peer && r.cidr == rules.back().cidr) {
        break;  // AWS would merge a duplicate peer
      }
      rules.push_back(std::move(r));
    }
  }

  void makeSecurityGroups() {
    topo_.security_groups.reserve(static_cast<std::size_t>(sgs_));
    std::vector<int> weights(plans_.size());
    for (std::size_t v = 0; v < plans_.size(); ++v) weights[v] = static_cast<int>(plans_[v].subnet_count) + 1;
    const std::vector<int> extra = apportion(sgs_ - vpcs_, weights);
    // IDs first, so rules can reference any group of their VPC.
    for (std::size_t v = 0; v < plans_.size(); ++v) {
      VpcPlan& p = plans_[v];
      p.first_sg = topo_.security_groups.size();
      p.sg_count = static_cast<std::size_t>(1 + extra[v]);
      for (std::size_t g = 0; g < p.sg_count; ++g) {
        SecurityGroup sg;
        if (g == 0) {
          sg.group_name = "default";
          sg.description = "default VPC security group";
          sg.meta = meta(ids_.next("sg-"), "");
        } else {
          sg.group_name = p.name + "-" + std::string(kWorkloads[g % kWorkloads.size()]) + "-" + std::to_string(g);
          sg.description = "Managed by Terraform";
          sg.meta = meta(ids_.next("sg-"), sg.group_name);
        }
        sg.vpc_id = topo_.vpcs[p.vpc].meta.id;
        topo_.security_groups.push_back(std::move(sg));
      }
    }
    for (const VpcPlan& p : plans_) {
      for (std::size_t g = 0; g < p.sg_count; ++g) {
        SecurityGroup& sg = topo_.security_groups[p.first_sg + g];
        const int egress_count = rules_ >= 2 ? (options_.variety && rng_.percent(15) ? std::min(rules_ - 1, 2) : 1) : 0;
        const int ingress_count = rules_ - egress_count;
        sg.ingress.reserve(static_cast<std::size_t>(ingress_count));
        sg.egress.reserve(static_cast<std::size_t>(egress_count));
        if (egress_count > 0) {
          SgRule all;  // the egress rule every new group starts with
          if (g == 0 || egress_count == 1 || rng_.percent(70)) {
            sg.egress.push_back(all);
          } else {
            all.cidr = p.cidrs[0];
            sg.egress.push_back(all);
          }
        }
        if (ingress_count > 0 && g == 0) {
          SgRule self;  // default group: all traffic from members
          self.peer_kind = PeerKind::kSecurityGroup;
          self.peer = sg.meta.id;
          sg.ingress.push_back(self);
        }
        while (static_cast<int>(sg.egress.size()) < egress_count) {
          addPermission(sg.egress, p, sg.meta.id, true, egress_count - static_cast<int>(sg.egress.size()));
        }
        while (static_cast<int>(sg.ingress.size()) < ingress_count) {
          addPermission(sg.ingress, p, sg.meta.id, false, ingress_count - static_cast<int>(sg.ingress.size()));
        }
      }
    }
  }

  Ipv4 nextIp(std::size_t subnet) {
    SubnetPlan& s = subnet_plans_[subnet];
    const uint32_t gap = s.slack == 0 ? 0 : static_cast<uint32_t>(rng_.range(0, static_cast<int>(std::min<uint32_t>(s.slack, 3))));
    s.slack -= gap;
    const uint32_t offset = s.cursor + gap;
    s.cursor = offset + 1;
    assert(offset + 1 < (uint32_t{1} << (32 - s.prefix)));
    return Ipv4(cidr_of_[subnet].base().value() + offset);
  }
  Ipv4 nextPublicIp() {
    public_cursor_ += static_cast<uint32_t>(rng_.range(1, 5));
    return Ipv4(ip(3, 80, 0, 0).value() + public_cursor_);  // 3.80.0.0/12 (us-east-1 EC2)
  }
  Ipv4 nextElasticIp() {
    elastic_cursor_ += static_cast<uint32_t>(rng_.range(1, 3));
    return Ipv4(ip(44, 192, 0, 0).value() + elastic_cursor_);  // 44.192.0.0/11
  }

  Eni serviceEni(std::size_t subnet, std::string type, std::string description) {
    const Subnet& sn = topo_.subnets[subnet];
    Eni eni;
    eni.meta = meta(ids_.next("eni-"), "");
    eni.vpc_id = sn.vpc_id;
    eni.subnet_id = sn.meta.id;
    eni.availability_zone = sn.availability_zone;
    eni.private_ips.push_back(nextIp(subnet));
    eni.interface_type = std::move(type);
    eni.description = std::move(description);
    eni.requester_id = "amazon-aws";
    return eni;
  }

  void makeGateways() {
    for (VpcPlan& p : plans_) {
      if (p.has_igw) {
        InternetGateway igw;
        p.igw_id = ids_.next("igw-");
        igw.meta = meta(p.igw_id, p.name + "-igw");
        igw.vpc_ids.push_back(topo_.vpcs[p.vpc].meta.id);
        topo_.internet_gateways.push_back(std::move(igw));
      }
      for (std::size_t n = 0; n < p.nat_subnets.size(); ++n) {
        const std::size_t subnet = p.nat_subnets[n];
        NatGateway nat;
        nat.meta = meta(ids_.next("nat-"), p.name + "-nat-" + static_cast<char>('a' + subnet_plans_[subnet].az));
        nat.vpc_id = topo_.vpcs[p.vpc].meta.id;
        nat.subnet_id = topo_.subnets[subnet].meta.id;
        Eni eni = serviceEni(subnet, "nat_gateway", "Interface for NAT Gateway " + nat.meta.id);
        eni.source_dest_check = false;
        const Ipv4 eip = nextElasticIp();
        eni.public_ips.push_back({eni.private_ips[0], eip, true});
        nat.private_ips = eni.private_ips;
        nat.public_ips.push_back(eip);
        nat.eni_id = eni.meta.id;
        p.nat_ids.push_back(nat.meta.id);
        topo_.enis.push_back(std::move(eni));
        topo_.nat_gateways.push_back(std::move(nat));
      }
    }
  }

  void makeEndpoints() {
    for (VpcPlan& p : plans_) {
      if (!p.interface_endpoint) continue;
      VpcEndpoint ep;
      const std::string service(rng_.pick(kInterfaceServices));
      ep.meta = meta(ids_.next("vpce-"), p.name + "-" + service);
      ep.vpc_id = topo_.vpcs[p.vpc].meta.id;
      ep.service_name = "com.amazonaws.us-east-1." + service;
      ep.type = EndpointType::kInterface;
      ep.private_dns = true;
      ep.security_group_ids.push_back(topo_.security_groups[p.first_sg + (p.sg_count > 1 ? 1 : 0)].meta.id);
      for (std::size_t i = 0; i < p.subnet_count; ++i) {
        const std::size_t subnet = p.first_subnet + i;
        if (!subnet_plans_[subnet].endpoint) continue;
        Eni eni = serviceEni(subnet, "vpc_endpoint", "VPC Endpoint Interface " + ep.meta.id);
        eni.security_group_ids = ep.security_group_ids;
        ep.subnet_ids.push_back(eni.subnet_id);
        ep.eni_ids.push_back(eni.meta.id);
        topo_.enis.push_back(std::move(eni));
      }
      topo_.vpc_endpoints.push_back(std::move(ep));
    }
  }

  void makeWorkloadEnis() {
    topo_.enis.reserve(topo_.enis.size() + static_cast<std::size_t>(enis_));
    topo_.instances.reserve(static_cast<std::size_t>(enis_));
    const bool variety = options_.variety;
    for (std::size_t i = 0; i < subnet_plans_.size(); ++i) {
      SubnetPlan& s = subnet_plans_[i];
      VpcPlan& p = plans_[s.vpc];
      const Subnet& sn = topo_.subnets[i];
      std::size_t last_instance = kNone;
      for (int n = 0; n < s.enis; ++n) {
        Eni eni;
        eni.meta = meta(ids_.next("eni-"), "");
        eni.vpc_id = sn.vpc_id;
        eni.subnet_id = sn.meta.id;
        eni.availability_zone = sn.availability_zone;
        eni.interface_type = "interface";
        eni.private_ips.push_back(nextIp(i));
        if (s.secondaries > 0 && rng_.percent(8)) {
          --s.secondaries;
          eni.private_ips.push_back(nextIp(i));
        }
        if (s.role == Role::kPublic && rng_.percent(45)) {
          const bool elastic = rng_.percent(15);
          eni.public_ips.push_back({eni.private_ips[0], elastic ? nextElasticIp() : nextPublicIp(), elastic});
        }
        // Security groups: mostly one or two of the VPC's own, rarely the default.
        const int want = std::min(static_cast<int>(p.sg_count), rng_.percent(70) ? 1 : rng_.percent(83) ? 2 : 3);
        for (int tries = 0; static_cast<int>(eni.security_group_ids.size()) < want && tries < 8; ++tries) {
          std::size_t g = rng_.index(p.sg_count);
          if (g == 0 && p.sg_count > 1 && !rng_.percent(10)) g = 1 + rng_.index(p.sg_count - 1);
          const std::string& id = topo_.security_groups[p.first_sg + g].meta.id;
          if (std::find(eni.security_group_ids.begin(), eni.security_group_ids.end(), id) == eni.security_group_ids.end()) {
            eni.security_group_ids.push_back(id);
          }
        }
        const int attach = rng_.range(0, 99);
        if (variety && attach < 4 && last_instance != kNone && topo_.instances[last_instance].eni_ids.size() < 2) {
          Instance& inst = topo_.instances[last_instance];  // second interface of the previous instance
          eni.instance_id = inst.meta.id;
          eni.device_index = 1;
          eni.meta.name = inst.meta.name + "-eth1";
          inst.eni_ids.push_back(eni.meta.id);
        } else if (variety && attach < 7) {
          eni.description = "detached interface";  // available, attached to nothing
        } else {
          Instance inst;
          const std::string workload(rng_.pick(kWorkloads));
          inst.meta = meta(ids_.next("i-"), p.name + "-" + workload + "-" + std::to_string(topo_.instances.size() + 1));
          inst.state = "running";
          inst.eni_ids.push_back(eni.meta.id);
          eni.instance_id = inst.meta.id;
          eni.device_index = 0;
          eni.meta.name = inst.meta.name + "-eth0";
          eni.description = "Primary network interface";
          last_instance = topo_.instances.size();
          if (p.appliance && p.appliance_eni.empty() && s.role == Role::kPublic) {
            eni.source_dest_check = false;
            p.appliance_eni = eni.meta.id;
            p.appliance_instance = inst.meta.id;
            inst.meta.name = p.name + "-firewall";
            eni.meta.name = inst.meta.name + "-eth0";
          }
          topo_.instances.push_back(std::move(inst));
        }
        topo_.enis.push_back(std::move(eni));
      }
    }
  }

  Route route(const Cidr& destination, RouteTarget target, std::string target_id) {
    Route r;
    r.destination = destination;
    r.target = target;
    r.target_id = std::move(target_id);
    r.origin = "CreateRoute";
    return r;
  }

  std::size_t addRouteTable(VpcPlan& p, std::string name, bool main) {
    RouteTable rt;
    rt.meta = meta(ids_.next("rtb-"), main ? std::string() : std::move(name));
    rt.vpc_id = topo_.vpcs[p.vpc].meta.id;
    rt.main = main;
    for (const Cidr& c : p.cidrs) {
      Route local = route(c, RouteTarget::kLocal, "local");
      local.origin = "CreateRouteTable";
      rt.routes.push_back(std::move(local));
    }
    topo_.route_tables.push_back(std::move(rt));
    return topo_.route_tables.size() - 1;
  }

  /// Route tables whose subnets talk beyond the VPC (public, private, else main).
  std::vector<std::size_t> outwardTables(const VpcPlan& p) const {
    std::vector<std::size_t> out = p.private_rts;
    if (p.public_rt != kNone) out.push_back(p.public_rt);
    if (out.empty()) out.push_back(p.main_rt);
    return out;
  }

  void makeRouteTables() {
    topo_.route_tables.reserve(plans_.size() * 4 + 8);
    uint32_t blackhole_net = 0;
    for (VpcPlan& p : plans_) {
      p.main_rt = addRouteTable(p, "", true);
      if (p.subnet_count == 0 || !options_.variety) continue;
      bool has_private = false;
      bool has_isolated = false;
      for (std::size_t i = 0; i < p.subnet_count; ++i) {
        has_private |= subnet_plans_[p.first_subnet + i].role == Role::kPrivate;
        has_isolated |= subnet_plans_[p.first_subnet + i].role == Role::kIsolated;
      }
      if (p.has_igw) {
        p.public_rt = addRouteTable(p, p.name + "-public", false);
        topo_.route_tables[p.public_rt].routes.push_back(route(Cidr(), RouteTarget::kInternetGateway, p.igw_id));
      }
      if (has_private) {
        const std::size_t count = std::max<std::size_t>(1, p.nat_ids.size());
        for (std::size_t n = 0; n < count; ++n) {
          const std::size_t rt = addRouteTable(p, p.name + "-private-" + std::to_string(n + 1), false);
          if (n < p.nat_ids.size()) topo_.route_tables[rt].routes.push_back(route(Cidr(), RouteTarget::kNatGateway, p.nat_ids[n]));
          p.private_rts.push_back(rt);
        }
      }
      if (has_isolated && p.explicit_isolated_rt) p.isolated_rt = addRouteTable(p, p.name + "-isolated", false);
      // Explicit associations; isolated subnets without their own table use the main one.
      for (std::size_t i = 0; i < p.subnet_count; ++i) {
        const SubnetPlan& s = subnet_plans_[p.first_subnet + i];
        std::size_t rt = kNone;
        if (s.role == Role::kPublic) {
          rt = p.public_rt;
        } else if (s.role == Role::kPrivate) {
          std::size_t nat = 0;
          for (std::size_t n = 0; n < p.nat_subnets.size(); ++n) {
            if (subnet_plans_[p.nat_subnets[n]].az == s.az) nat = n;
          }
          rt = p.private_rts[std::min(nat, p.private_rts.size() - 1)];
        } else {
          rt = p.isolated_rt;
        }
        if (rt != kNone) topo_.route_tables[rt].subnet_ids.push_back(topo_.subnets[p.first_subnet + i].meta.id);
      }
      if (p.s3_endpoint) {
        VpcEndpoint ep;
        ep.meta = meta(ids_.next("vpce-"), p.name + "-s3");
        ep.vpc_id = topo_.vpcs[p.vpc].meta.id;
        ep.service_name = "com.amazonaws.us-east-1.s3";
        ep.type = EndpointType::kGateway;
        ep.policy_document = R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})";
        std::vector<std::size_t> tables = p.private_rts;
        if (p.isolated_rt != kNone) tables.push_back(p.isolated_rt);
        for (std::size_t rt : tables) {
          Route r;
          r.destination_prefix_list = std::string(kS3PrefixList);
          r.target = RouteTarget::kVpcEndpoint;
          r.target_id = ep.meta.id;
          r.origin = "CreateRoute";
          topo_.route_tables[rt].routes.push_back(std::move(r));
          ep.route_table_ids.push_back(topo_.route_tables[rt].meta.id);
        }
        topo_.vpc_endpoints.push_back(std::move(ep));
      }
      if (!p.appliance_eni.empty()) {
        // On-premises traffic through a firewall instance (source/dest check off).
        const bool by_instance = rng_.percent(50);
        for (std::size_t rt : p.private_rts) {
          topo_.route_tables[rt].routes.push_back(route(Cidr::of(ip(192, 168, 0, 0), 16),
                                                        by_instance ? RouteTarget::kInstance : RouteTarget::kNetworkInterface,
                                                        by_instance ? p.appliance_instance : p.appliance_eni));
        }
      }
      if (p.blackhole) {
        // A route whose target was deleted: AWS keeps it with State "blackhole".
        const std::size_t rt = outwardTables(p).front();
        const bool nat = rng_.percent(50);
        Route r = route(Cidr::of(Ipv4(ip(198, 18, 0, 0).value() + (blackhole_net++ % 512) * 256), 24),
                        nat ? RouteTarget::kNatGateway : RouteTarget::kPeeringConnection, ids_.next(nat ? "nat-" : "pcx-"));
        r.blackhole = true;
        topo_.route_tables[rt].routes.push_back(std::move(r));
      }
    }
  }

  static NaclEntry naclEntry(int number, bool egress, bool allow, int protocol, const Cidr& cidr, int from = 0, int to = 65535) {
    NaclEntry e;
    e.rule_number = number;
    e.egress = egress;
    e.allow = allow;
    e.protocol = protocol;
    e.cidr = cidr;
    if (protocol == kProtocolTcp || protocol == kProtocolUdp) e.ports = PortRange{from, to};
    if (protocol == kProtocolIcmp) {
      e.icmp_type = from;
      e.icmp_code = to;
    }
    return e;
  }

  void addDenyAll(std::vector<NaclEntry>& entries) {
    entries.push_back(naclEntry(32767, false, false, kProtocolAll, Cidr()));
    entries.push_back(naclEntry(32767, true, false, kProtocolAll, Cidr()));
  }

  std::vector<NaclEntry> publicNaclEntries(const VpcPlan& p) {
    std::vector<NaclEntry> e;
    const Cidr any;
    if (rng_.percent(50)) e.push_back(naclEntry(50, false, false, kProtocolAll, Cidr::of(ip(198, 51, 100, 0), 24)));
    if (rng_.percent(30)) e.push_back(naclEntry(90, false, false, kProtocolTcp, any, 3389, 3389));
    e.push_back(naclEntry(100, false, true, kProtocolTcp, any, 443, 443));
    e.push_back(naclEntry(110, false, true, kProtocolTcp, any, 80, 80));
    e.push_back(naclEntry(120, false, true, kProtocolTcp, rng_.percent(50) ? Cidr::of(ip(203, 0, 113, 0), 24) : p.cidrs[0], 22, 22));
    if (rng_.percent(80)) e.push_back(naclEntry(130, false, true, kProtocolTcp, any, 1024, 65535));  // ephemeral return
    for (std::size_t c = 0; c < std::min<std::size_t>(p.cidrs.size(), 10); ++c) {
      e.push_back(naclEntry(140 + static_cast<int>(c), false, true, kProtocolAll, p.cidrs[c]));
    }
    if (rng_.percent(50)) e.push_back(naclEntry(150, false, true, kProtocolIcmp, any, -1, -1));
    if (rng_.percent(70)) {
      e.push_back(naclEntry(100, true, true, kProtocolAll, any));
    } else {
      if (rng_.percent(40)) e.push_back(naclEntry(90, true, false, kProtocolUdp, Cidr::of(ip(8, 8, 8, 8), 32), 53, 53));
      e.push_back(naclEntry(100, true, true, kProtocolTcp, any, 443, 443));
      e.push_back(naclEntry(110, true, true, kProtocolTcp, any, 80, 80));
      if (rng_.percent(80)) e.push_back(naclEntry(120, true, true, kProtocolTcp, any, 1024, 65535));
      e.push_back(naclEntry(130, true, true, kProtocolAll, p.cidrs[0]));
    }
    addDenyAll(e);
    return e;
  }

  std::vector<NaclEntry> privateNaclEntries(const VpcPlan& p) {
    std::vector<NaclEntry> e;
    const Cidr any;
    if (rng_.percent(30) && p.subnet_count > 0) {
      e.push_back(naclEntry(50, false, false, kProtocolTcp, cidr_of_[p.first_subnet], 22, 22));
    }
    for (std::size_t c = 0; c < p.cidrs.size(); ++c) {
      e.push_back(naclEntry(100 + static_cast<int>(c), false, true, kProtocolAll, p.cidrs[c]));
    }
    if (rng_.percent(80)) e.push_back(naclEntry(200, false, true, kProtocolTcp, any, 1024, 65535));
    if (rng_.percent(50)) e.push_back(naclEntry(210, false, true, kProtocolUdp, any, 1024, 65535));
    if (rng_.percent(70)) e.push_back(naclEntry(300, false, true, kProtocolAll, Cidr::of(ip(10, 0, 0, 0), 8)));
    if (rng_.percent(75)) {
      e.push_back(naclEntry(100, true, true, kProtocolAll, any));
    } else {
      e.push_back(naclEntry(100, true, true, kProtocolAll, p.cidrs[0]));
      e.push_back(naclEntry(110, true, true, kProtocolTcp, any, 443, 443));
      if (rng_.percent(80)) e.push_back(naclEntry(120, true, true, kProtocolTcp, Cidr::of(ip(10, 0, 0, 0), 8), 1024, 65535));
    }
    addDenyAll(e);
    return e;
  }

  void makeNetworkAcls() {
    topo_.network_acls.reserve(plans_.size() * 3);
    for (VpcPlan& p : plans_) {
      NetworkAcl def;
      def.meta = meta(ids_.next("acl-"), "");
      def.vpc_id = topo_.vpcs[p.vpc].meta.id;
      def.is_default = true;
      def.entries.push_back(naclEntry(100, false, true, kProtocolAll, Cidr()));
      def.entries.push_back(naclEntry(100, true, true, kProtocolAll, Cidr()));
      addDenyAll(def.entries);
      NetworkAcl pub;
      NetworkAcl priv;
      const bool custom_public = options_.variety && p.public_rt != kNone && rng_.percent(60);
      const bool custom_private = options_.variety && !p.private_rts.empty() && rng_.percent(50);
      if (custom_public) {
        pub.meta = meta(ids_.next("acl-"), p.name + "-public");
        pub.vpc_id = def.vpc_id;
        pub.entries = publicNaclEntries(p);
      }
      if (custom_private) {
        priv.meta = meta(ids_.next("acl-"), p.name + "-private");
        priv.vpc_id = def.vpc_id;
        priv.entries = privateNaclEntries(p);
      }
      for (std::size_t i = 0; i < p.subnet_count; ++i) {
        const Role role = subnet_plans_[p.first_subnet + i].role;
        const std::string& id = topo_.subnets[p.first_subnet + i].meta.id;
        if (custom_public && role == Role::kPublic) {
          pub.subnet_ids.push_back(id);
        } else if (custom_private && role == Role::kPrivate) {
          priv.subnet_ids.push_back(id);
        } else {
          def.subnet_ids.push_back(id);
        }
      }
      topo_.network_acls.push_back(std::move(def));
      if (custom_public) topo_.network_acls.push_back(std::move(pub));
      if (custom_private) topo_.network_acls.push_back(std::move(priv));
    }
  }

  std::vector<std::size_t> connectedVpcs() const {
    std::vector<std::size_t> out;
    for (std::size_t v = 0; v < plans_.size(); ++v) {
      if (!plans_[v].overlapping && plans_[v].subnet_count > 0) out.push_back(v);
    }
    return out;
  }

  void makePeerings() {
    const std::vector<std::size_t> connected = connectedVpcs();
    if (!options_.variety || connected.size() < 2) return;
    const std::size_t pairs = connected.size() * (connected.size() - 1) / 2;
    const std::size_t want = std::min(pairs, std::max<std::size_t>(1, connected.size() / 3));
    std::set<std::pair<std::size_t, std::size_t>> done;
    for (std::size_t tries = 0; done.size() < want && tries < want * 8; ++tries) {
      const std::size_t a = rng_.pick(connected);
      const std::size_t b = rng_.pick(connected);
      if (a == b || !done.insert({std::min(a, b), std::max(a, b)}).second) continue;
      const VpcPlan& pa = plans_[a];
      const VpcPlan& pb = plans_[b];
      PeeringConnection pcx;
      pcx.meta = meta(ids_.next("pcx-"), pa.name + "-to-" + pb.name);
      pcx.requester = {topo_.vpcs[pa.vpc].meta.id, std::string(kAccount), std::string(kRegion), pa.cidrs};
      pcx.accepter = {topo_.vpcs[pb.vpc].meta.id, std::string(kAccount), std::string(kRegion), pb.cidrs};
      pcx.status = "active";
      // Mostly both sides route; sometimes one side forgets its return route.
      const int sides = rng_.range(0, 7);
      if (sides != 7) addRoutes(pa, pb.cidrs, RouteTarget::kPeeringConnection, pcx.meta.id);
      if (sides != 6) addRoutes(pb, pa.cidrs, RouteTarget::kPeeringConnection, pcx.meta.id);
      topo_.peering_connections.push_back(std::move(pcx));
    }
  }

  void addRoutes(const VpcPlan& p, const std::vector<Cidr>& destinations, RouteTarget target, const std::string& id) {
    for (std::size_t rt : outwardTables(p)) {
      for (const Cidr& d : destinations) topo_.route_tables[rt].routes.push_back(route(d, target, id));
    }
  }

  void makeTransitGateway() {
    std::vector<std::size_t> candidates = connectedVpcs();
    if (!options_.variety || candidates.size() < 2) return;
    rng_.shuffle(candidates);
    const std::size_t count = std::max<std::size_t>(2, candidates.size() * 6 / 10);
    candidates.resize(count);
    std::sort(candidates.begin(), candidates.end());

    TransitGateway tgw;
    tgw.meta = meta(ids_.next("tgw-"), "core-tgw");
    TgwRouteTable main_rt;
    main_rt.meta = meta(ids_.next("tgw-rtb-"), "core-tgw-default");
    main_rt.transit_gateway_id = tgw.meta.id;
    TgwRouteTable segment_rt;
    segment_rt.meta = meta(ids_.next("tgw-rtb-"), "core-tgw-isolated");
    segment_rt.transit_gateway_id = tgw.meta.id;
    tgw.default_association_route_table = main_rt.meta.id;
    tgw.default_propagation_route_table = main_rt.meta.id;

    std::string egress_attachment;
    std::vector<std::size_t> attachment_of(plans_.size(), kNone);
    for (std::size_t n = 0; n < candidates.size(); ++n) {
      VpcPlan& p = plans_[candidates[n]];
      TgwAttachment att;
      att.meta = meta(ids_.next("tgw-attach-"), p.name + "-core-tgw");
      att.transit_gateway_id = tgw.meta.id;
      att.resource_type = "vpc";
      att.resource_id = topo_.vpcs[p.vpc].meta.id;
      att.state = "available";
      std::vector<bool> az_done(static_cast<std::size_t>(p.az_count), false);
      for (std::size_t i = 0; i < p.subnet_count; ++i) {  // one subnet per AZ, inner subnets first
        const SubnetPlan& s = subnet_plans_[p.first_subnet + p.subnet_count - 1 - i];
        if (az_done[static_cast<std::size_t>(s.az)]) continue;
        az_done[static_cast<std::size_t>(s.az)] = true;
        att.subnet_ids.push_back(topo_.subnets[p.first_subnet + p.subnet_count - 1 - i].meta.id);
      }
      const bool segmented = n >= 2 && rng_.percent(20);
      att.association_route_table = segmented ? segment_rt.meta.id : main_rt.meta.id;
      if (rng_.percent(90)) main_rt.propagating_attachments.push_back(att.meta.id);  // sometimes missing
      if (n < 2) segment_rt.propagating_attachments.push_back(att.meta.id);         // shared services
      if (egress_attachment.empty() && !p.nat_ids.empty()) egress_attachment = att.meta.id;
      attachment_of[candidates[n]] = topo_.tgw_attachments.size();
      topo_.tgw_attachments.push_back(std::move(att));
    }
    if (!egress_attachment.empty()) {
      main_rt.static_routes.push_back({Cidr(), {egress_attachment}, false, ""});
      segment_rt.static_routes.push_back({Cidr(), {egress_attachment}, false, ""});
    }
    main_rt.static_routes.push_back({Cidr::of(ip(198, 19, 0, 0), 16), {}, true, ""});

    // VPC routes toward the TGW: summaries of the private ranges in use.
    const std::array<Cidr, 3> summaries = {Cidr::of(ip(10, 0, 0, 0), 8), Cidr::of(ip(172, 16, 0, 0), 12),
                                           Cidr::of(ip(100, 64, 0, 0), 10)};
    for (std::size_t v : candidates) {
      VpcPlan& p = plans_[v];
      if (rng_.percent(15)) continue;  // attached but never routed to
      std::vector<Cidr> destinations;
      for (const Cidr& summary : summaries) {
        bool used = false;
        for (std::size_t other : candidates) {
          if (other == v) continue;
          for (const Cidr& c : plans_[other].cidrs) used |= summary.contains(c);
        }
        if (used) destinations.push_back(summary);
      }
      addRoutes(p, destinations, RouteTarget::kTransitGateway, tgw.meta.id);
      // Centralised egress for private tables that have no NAT.
      if (!egress_attachment.empty() && p.nat_ids.empty() && rng_.percent(50)) {
        for (std::size_t rt : p.private_rts) {
          topo_.route_tables[rt].routes.push_back(route(Cidr(), RouteTarget::kTransitGateway, tgw.meta.id));
        }
      }
    }
    topo_.transit_gateways.push_back(std::move(tgw));
    topo_.tgw_route_tables.push_back(std::move(main_rt));
    topo_.tgw_route_tables.push_back(std::move(segment_rt));
  }

  /// `percent` of the VPCs (rounded to the nearest one, at least one),
  /// drawn with `rng`, in VPC order.
  std::vector<std::size_t> chooseVpcs(Rng& rng, int percent) const {
    std::vector<std::size_t> chosen(plans_.size());
    for (std::size_t v = 0; v < chosen.size(); ++v) chosen[v] = v;
    rng.shuffle(chosen);
    chosen.resize(std::max<std::size_t>(1, (plans_.size() * static_cast<std::size_t>(percent) + 50) / 100));
    std::sort(chosen.begin(), chosen.end());
    return chosen;
  }

  // ---- load balancers ---------------------------------------------------
  // From a random stream and an ID maker of their own, after everything
  // else: a share of 0 gives today's topology byte for byte.

  void makeLoadBalancers() {
    const int percent = std::clamp(options_.load_balancer_percent, 0, 100);
    if (percent == 0 || plans_.empty()) return;
    Rng rng(mix64(options_.seed ^ 0x10adba1aULL));
    IdMaker ids(mix64(options_.seed ^ 0xe1bULL));
    for (std::size_t v : chooseVpcs(rng, percent)) makeLoadBalancer(plans_[v], rng, ids);
  }

  /// One NLB in `p` (see GeneratorOptions::load_balancer_percent); none when
  /// the VPC has no subnet with a free address or no workload interface.
  void makeLoadBalancer(const VpcPlan& p, Rng& rng, IdMaker& ids) {
    const Vpc& vpc = topo_.vpcs[p.vpc];
    const bool internet = p.has_igw && std::any_of(subnet_plans_.begin() + static_cast<std::ptrdiff_t>(p.first_subnet),
                                                   subnet_plans_.begin() + static_cast<std::ptrdiff_t>(p.first_subnet + p.subnet_count),
                                                   [](const SubnetPlan& s) { return s.role == Role::kPublic; });
    // Node subnets: one per zone, public ones for an internet-facing NLB, with a free address.
    std::vector<std::size_t> nodes;
    std::set<int> zones;
    for (std::size_t i = p.first_subnet; i < p.first_subnet + p.subnet_count && nodes.size() < 2; ++i) {
      const SubnetPlan& s = subnet_plans_[i];
      const bool fits = s.cursor + 2 < (uint32_t{1} << (32 - s.prefix));  // the last address is reserved
      if (!fits || zones.count(s.az) != 0 || (internet && s.role != Role::kPublic)) continue;
      zones.insert(s.az);
      nodes.push_back(i);
    }
    // Targets by address and zone, taken now: the node interfaces below grow topo_.enis.
    std::vector<std::pair<std::string, std::string>> workloads;
    for (const auto& eni : topo_.enis) {
      if (eni.vpc_id == vpc.meta.id && eni.interface_type == "interface" && !eni.private_ips.empty()) {
        workloads.emplace_back(eni.private_ips[0].str(), eni.availability_zone);
      }
    }
    if (nodes.empty() || workloads.empty()) return;
    const std::string name = p.name + "-nlb";
    const std::string hash = ids.next("").substr(1);
    auto arn = [](const std::string& resource) { return elbArn(kRegion, kAccount, resource); };
    LoadBalancer lb;
    lb.meta = meta("net/" + name + "/" + hash, name);
    lb.arn = arn("loadbalancer/" + lb.meta.id);
    lb.type = LoadBalancerType::kNetwork;
    lb.internet_facing = internet;
    lb.vpc_id = vpc.meta.id;
    lb.dns_name = loadBalancerDnsName(LoadBalancerType::kNetwork, internet, name, hash, kRegion);
    lb.ip_address_type = "ipv4";
    lb.state = "active";
    lb.attributes = {{"load_balancing.cross_zone.enabled", "false"}};
    lb.attributes_known = true;
    for (std::size_t subnet : nodes) {
      SubnetPlan& s = subnet_plans_[subnet];
      const Subnet& sn = topo_.subnets[subnet];
      Eni eni;
      eni.meta = meta(ids.next("eni-"), "");
      eni.vpc_id = sn.vpc_id;
      eni.subnet_id = sn.meta.id;
      eni.availability_zone = sn.availability_zone;
      eni.private_ips.push_back(Ipv4(cidr_of_[subnet].base().value() + s.cursor));
      ++s.cursor;
      eni.interface_type = "network_load_balancer";
      eni.description = "ELB " + lb.meta.id;
      eni.requester_id = "amazon-elb";
      eni.source_dest_check = false;
      LoadBalancerZone zone{sn.meta.id, sn.availability_zone, {}, {}, {}};
      if (internet) {
        elastic_cursor_ += static_cast<uint32_t>(rng.range(1, 3));
        const Ipv4 eip(ip(44, 192, 0, 0).value() + elastic_cursor_);  // as nextElasticIp, from this stream
        eni.public_ips.push_back({eni.private_ips[0], eip, true});
        zone.public_addresses.push_back(eip);
      }
      lb.zones.push_back(std::move(zone));
      topo_.enis.push_back(std::move(eni));
    }
    TargetGroup group;
    const std::string group_hash = ids.next("").substr(1);
    group.meta = meta("targetgroup/" + name + "-tg/" + group_hash, name + "-tg");
    group.arn = arn(group.meta.id);
    group.target_type = "ip";
    group.protocol = "TCP";
    group.port = 8443;
    group.vpc_id = vpc.meta.id;
    group.load_balancer_arns.push_back(lb.arn);
    group.targets_known = true;
    rng.shuffle(workloads);
    workloads.resize(std::min<std::size_t>(workloads.size(), static_cast<std::size_t>(rng.range(2, 4))));
    for (auto& [address, zone] : workloads) group.targets.push_back({address, 0, zone, "healthy", ""});
    LbListener listener;
    listener.meta = meta(arn("listener/" + lb.meta.id + "/" + ids.next("").substr(1)), "");
    listener.load_balancer_arn = lb.arn;
    listener.protocol = "TCP";
    listener.port = 443;
    listener.target_group_arns.push_back(group.arn);
    topo_.load_balancers.push_back(std::move(lb));
    topo_.target_groups.push_back(std::move(group));
    topo_.lb_listeners.push_back(std::move(listener));
  }

  // ---- dual stack -------------------------------------------------------
  // Everything IPv6 comes from a random stream and an ID maker of its own,
  // after the IPv4 topology is built: the share changes nothing else, and a
  // share of 0 gives today's topology byte for byte.

  void makeDualStack() {
    const int percent = std::clamp(options_.dual_stack_percent, 0, 100);
    if (percent == 0 || plans_.empty()) return;
    Rng rng(mix64(options_.seed ^ 0x1f18dab1e5ULL));
    IdMaker ids(mix64(options_.seed ^ 0x6e1ULL));
    const std::vector<std::size_t> chosen = chooseVpcs(rng, percent);
    std::set<uint64_t> used_blocks;
    for (std::size_t v : chosen) {
      // An Amazon-provided /56 of us-east-1's pool (VPC User Guide: IPv6
      // CIDR blocks — Amazon assigns a /56 from its pool).
      uint64_t n = rng.below(uint64_t{1} << 24);
      while (!used_blocks.insert(n).second) n = rng.below(uint64_t{1} << 24);
      makeDualStackVpc(plans_[v], Cidr6::of(Ipv6(kAmazonPoolHigh | (n << 8), 0), 56), rng, ids);
    }
    // One address per workload interface, at a random interface ID as EC2
    // assigns them, never one of the subnet's reserved first four or last
    // (VPC User Guide: Subnet CIDR blocks).
    std::set<Ipv6> taken;
    for (Eni& eni : topo_.enis) {
      if (eni.interface_type != "interface") continue;
      const auto it = subnet6_.find(eni.subnet_id);
      if (it == subnet6_.end()) continue;
      Ipv6 address;
      do {
        address = Ipv6(it->second.base().high(), rng.below(std::numeric_limits<uint64_t>::max()));
      } while (address.low() < 4 || address == it->second.last() || !taken.insert(address).second);
      eni.ipv6_addresses.push_back(address);
    }
  }

  static constexpr uint64_t kAmazonPoolHigh = 0x26001f1800000000ULL;  // 2600:1f18::/32

  static Ipv6Association amazonBlock(const Cidr6& block) {
    Ipv6Association association;
    association.block = Ipv6Block(block);
    association.pool = "Amazon";
    return association;
  }

  void makeDualStackVpc(VpcPlan& p, const Cidr6& block, Rng& rng, IdMaker& ids) {
    Vpc& vpc = topo_.vpcs[p.vpc];
    vpc.ipv6_blocks.push_back(amazonBlock(block));
    // A /64 per subnet (VPC User Guide: Subnet CIDR blocks — an IPv6 subnet
    // is a /64 of its VPC's /56): 256 of them, so later subnets stay IPv4-only.
    std::vector<uint64_t> slots(256);
    for (uint64_t n = 0; n < slots.size(); ++n) slots[n] = n;
    rng.shuffle(slots);
    const std::size_t dual_subnets = std::min<std::size_t>(p.subnet_count, slots.size());
    for (std::size_t i = 0; i < dual_subnets; ++i) {
      Subnet& subnet = topo_.subnets[p.first_subnet + i];
      const Cidr6 subnet_block = Cidr6::of(Ipv6(block.base().high() | slots[i], 0), 64);
      subnet.ipv6_blocks.push_back(amazonBlock(subnet_block));
      subnet.assign_ipv6_address_on_creation = rng.percent(60);
      subnet6_.emplace(subnet.meta.id, subnet_block);
    }
    std::string eigw_id;
    const bool use_eigw = options_.variety && !p.private_rts.empty() && rng.percent(60);
    if (use_eigw) {
      EgressOnlyInternetGateway eigw;
      eigw_id = ids.next("eigw-");
      eigw.meta = meta(eigw_id, p.name + "-eigw");
      eigw.vpc_id = vpc.meta.id;
      topo_.egress_only_internet_gateways.push_back(std::move(eigw));
    }
    for (RouteTable& rt : topo_.route_tables) {
      if (rt.vpc_id != vpc.meta.id) continue;
      Route local;  // VPC User Guide: Route tables — a local route for each IPv6 block too
      local.destination_ipv6 = Ipv6Block(block);
      local.target = RouteTarget::kLocal;
      local.target_id = "local";
      local.origin = "CreateRouteTable";
      auto after_local = std::find_if(rt.routes.begin(), rt.routes.end(),
                                      [](const Route& r) { return r.target != RouteTarget::kLocal; });
      rt.routes.insert(after_local, std::move(local));
    }
    auto defaultRoute = [&](std::size_t rt, RouteTarget target, const std::string& id) {
      Route r = route(Cidr(), target, id);
      r.destination.reset();
      r.destination_ipv6 = Ipv6Block();  // ::/0
      topo_.route_tables[rt].routes.push_back(std::move(r));
    };
    if (p.public_rt != kNone && rng.percent(75)) defaultRoute(p.public_rt, RouteTarget::kInternetGateway, p.igw_id);
    for (std::size_t rt : p.private_rts) {
      const int roll = rng.range(0, 99);
      if (use_eigw && roll < 80) {
        defaultRoute(rt, RouteTarget::kEgressOnlyInternetGateway, eigw_id);
      } else if (!p.igw_id.empty() && roll >= 85) {
        defaultRoute(rt, RouteTarget::kInternetGateway, p.igw_id);  // IPv6 has no NAT: the subnet is public for IPv6
      }
    }

    for (NetworkAcl& acl : topo_.network_acls) {
      if (acl.vpc_id != vpc.meta.id) continue;
      if (acl.is_default) {
        addDefaultIpv6Entries(acl, "");
      } else if (acl.meta.name == p.name + "-public") {
        addPublicNaclIpv6(acl.entries, rng);
      } else {
        addPrivateNaclIpv6(acl.entries, block, rng);
      }
    }

    for (std::size_t g = 0; g < p.sg_count; ++g) {
      SecurityGroup& sg = topo_.security_groups[p.first_sg + g];
      if (g == 0) {
        if (!sg.egress.empty()) addDefaultIpv6Egress(sg, "");
        continue;
      }
      if (!options_.variety) continue;
      addIpv6Twins(sg.ingress, rng);
      addIpv6Twins(sg.egress, rng);
      if (!sg.ingress.empty() && rng.percent(25)) {
        SgRule from_vpc;  // HTTPS from anywhere in the VPC over IPv6
        from_vpc.protocol = kProtocolTcp;
        from_vpc.from_port = from_vpc.to_port = 443;
        from_vpc.peer_kind = PeerKind::kIpv6Cidr;
        from_vpc.cidr6 = Ipv6Block(block);
        from_vpc.index = sg.ingress.back().index + 1;
        sg.ingress.push_back(std::move(from_vpc));
      }
    }
  }

  /// Gives about half the TCP, UDP and all-traffic rules open to 0.0.0.0/0
  /// an ::/0 peer in the same permission (Ipv6Ranges next to IpRanges).
  static void addIpv6Twins(std::vector<SgRule>& rules, Rng& rng) {
    std::vector<SgRule> out;
    out.reserve(rules.size() * 2);
    for (SgRule& rule : rules) {
      const bool open = rule.peer_kind == PeerKind::kCidr && rule.cidr == Cidr() && rule.protocol != kProtocolIcmp;
      const bool twin = open && rng.percent(50);
      out.push_back(std::move(rule));
      if (!twin) continue;
      SgRule v6 = out.back();
      v6.peer_kind = PeerKind::kIpv6Cidr;
      v6.cidr = Cidr();
      v6.cidr6 = Ipv6Block();
      out.push_back(std::move(v6));
    }
    rules = std::move(out);
  }

  static NaclEntry naclEntry6(int number, bool egress, bool allow, int protocol, const Cidr6& block, int from = 0,
                              int to = 65535) {
    NaclEntry e = naclEntry(number, egress, allow, protocol, Cidr(), from, to);
    e.cidr.reset();
    e.ipv6_cidr = Ipv6Block(block);
    return e;
  }

  /// The IPv6 `*` denies a custom ACL of a dual-stack VPC ends with (VPC
  /// User Guide: Custom network ACLs — denies all IPv4 and, if applicable,
  /// IPv6 traffic until rules are added).
  static void addIpv6DenyAll(std::vector<NaclEntry>& entries) {
    entries.push_back(naclEntry6(kCatchAllRuleNumber, false, false, kProtocolAll, Cidr6()));
    entries.push_back(naclEntry6(kCatchAllRuleNumber, true, false, kProtocolAll, Cidr6()));
  }

  // Rule numbers are unique per direction across both families; the IPv4
  // entries above use up to 150 (public) and 300 (private).
  static void addPublicNaclIpv6(std::vector<NaclEntry>& e, Rng& rng) {
    const Cidr6 any;
    e.push_back(naclEntry6(160, false, true, kProtocolTcp, any, 443, 443));
    if (rng.percent(70)) e.push_back(naclEntry6(170, false, true, kProtocolTcp, any, 80, 80));
    if (rng.percent(80)) e.push_back(naclEntry6(180, false, true, kProtocolTcp, any, 1024, 65535));
    if (rng.percent(70)) {
      e.push_back(naclEntry6(160, true, true, kProtocolAll, any));
    } else {
      e.push_back(naclEntry6(160, true, true, kProtocolTcp, any, 443, 443));
      if (rng.percent(80)) e.push_back(naclEntry6(170, true, true, kProtocolTcp, any, 1024, 65535));
    }
    addIpv6DenyAll(e);
  }

  static void addPrivateNaclIpv6(std::vector<NaclEntry>& e, const Cidr6& vpc_block, Rng& rng) {
    const Cidr6 any;
    e.push_back(naclEntry6(400, false, true, kProtocolAll, vpc_block));
    if (rng.percent(70)) e.push_back(naclEntry6(410, false, true, kProtocolTcp, any, 1024, 65535));
    e.push_back(naclEntry6(400, true, true, kProtocolAll, rng.percent(60) ? any : vpc_block));
    addIpv6DenyAll(e);
  }

  GeneratorOptions options_;
  Rng rng_;
  IdMaker ids_;
  Topology topo_;
  int enis_ = 0;
  int subnets_ = 0;
  int sgs_ = 0;
  int rules_ = 0;
  int vpcs_ = 0;
  std::vector<VpcPlan> plans_;
  std::vector<SubnetPlan> subnet_plans_;
  std::vector<Cidr> cidr_of_;
  std::string corp_prefix_list_;
  uint32_t public_cursor_ = 0;
  uint32_t elastic_cursor_ = 0;
  std::map<std::string, Cidr6> subnet6_;  ///< subnet ID -> its /64, dual-stack subnets only
};

}  // namespace

Topology generateTopology(const GeneratorOptions& options) { return Generator(options).run(); }

}  // namespace vpcsim::formats
