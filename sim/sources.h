// Sources of traffic: where a resolved reference's packets start, for reach and verify alike.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/tracer.h"
#include "topology/reference.h"
#include "topology/result.h"

namespace vpcsim::sim {

/// Where a SageMaker notebook's or job's interfaces go.
struct WorkloadPlacement {
  enum class Kind {
    kSubnets,          ///< one new interface per subnet, with `security_group_ids`
    kPlatformNetwork,  ///< no customer VPC: the SageMaker platform network, with internet access
    kIsolated,         ///< network isolation: no network at all
  };
  Kind kind = Kind::kSubnets;
  std::vector<const topology::Subnet*> subnets;
  std::vector<std::string> security_group_ids;
  std::string label;   ///< the reference as given: "notebook:studio/ds", "job:train"
  std::string reason;  ///< kPlatformNetwork, kIsolated: why, in words
  std::string region;  ///< the workload's region
};

/// The placement of a `notebook:` or `job:` reference. Errors: a subnet of
/// the domain or job that is not in the input; a job's security group that
/// does not resolve (topology::securityGroupIds).
topology::Result<WorkloadPlacement> placeWorkload(const topology::Topology& topo, const topology::Resolved& workload);

/// One place a source's packets start from.
struct PlannedSource {
  enum class Kind {
    kInterface,        ///< an interface in the input
    kNewInterface,     ///< an interface placed later in `subnet`
    kOutside,          ///< a host outside every VPC of the input
    kPlatformNetwork,  ///< the SageMaker platform network (placement reason in `reason`)
    kIsolated,         ///< a workload without network (`reason`)
  };
  Kind kind = Kind::kInterface;
  const topology::Eni* eni = nullptr;  ///< kInterface
  /// kInterface: the one address the reference names (`ip:`); unset for the
  /// interface as a whole.
  std::optional<IpAddress> address;
  const topology::Subnet* subnet = nullptr;  ///< kInterface (when known to the planner), kNewInterface
  /// The trace endpoint of kNewInterface (its address left for the caller
  /// to choose), kOutside; the label of every kind but kInterface (whose
  /// endpoint interfaceEndpoint() builds, when a caller needs it).
  Endpoint endpoint;
  std::string reason;  ///< kPlatformNetwork, kIsolated
  std::string region;  ///< kPlatformNetwork
};

/// What a subnet stands for as a source.
enum class SubnetSources {
  /// `reach`: one new interface with the query's groups, else the VPC's default group.
  kNewInterface,
  /// `verify --internet-free`: every interface in it, and (with
  /// `hypothetical_enis`) a new interface with each group of its VPC.
  kEveryInterface,
};

struct SourceOptions {
  SubnetSources subnets = SubnetSources::kNewInterface;
  std::vector<std::string> security_groups;  ///< kNewInterface: references (`--security-groups`)
  bool hypothetical_enis = true;             ///< kEveryInterface: add the new interfaces
};

/// Turns resolved source references into the places their packets start.
/// Holds an index of interfaces by subnet, built when first needed, so one
/// planner serves every source of a run.
class SourcePlanner {
 public:
  explicit SourcePlanner(const Network& network) : network_(network) {}

  /// The sources `source` stands for (docs/cli.md, "References"), in a fixed
  /// order: an `ip:` address's holders (private, else public) or the outside
  /// host; an instance's interfaces in device order; a workload's subnets in
  /// its order; a subnet's interfaces in topology order, then its new ones.
  /// Errors: an interface without a private address; an instance without
  /// one in the input; a subnet whose VPC has no default group when no group
  /// is named; what placeWorkload reports; a reference that is no source.
  topology::Result<std::vector<PlannedSource>> plan(const topology::Resolved& source, const SourceOptions& options);

  /// The sources one subnet stands for.
  topology::Result<std::vector<PlannedSource>> planSubnet(const topology::Subnet& subnet, const SourceOptions& options);

 private:
  const std::vector<const topology::Eni*>& interfacesIn(const topology::Subnet& subnet);

  const Network& network_;
  std::unordered_map<std::string_view, std::vector<const topology::Eni*>> enis_by_subnet_;
  bool indexed_ = false;
};

/// The security groups of a new interface in `subnet`: `refs` resolved, or
/// with none the default group of the subnet's VPC (EC2 User Guide: an
/// instance launched without groups gets the VPC's default group). Errors:
/// a reference that does not resolve; no default group in the input.
topology::Result<std::vector<std::string>> newInterfaceGroups(const Network& network, const topology::Subnet& subnet,
                                                              const std::vector<std::string>& refs);

/// An existing interface as a trace endpoint, at `address`.
Endpoint interfaceEndpoint(const topology::Eni& eni, IpAddress address);
/// A new interface in `subnet` with `groups`, at `address`.
Endpoint newInterfaceEndpoint(const topology::Subnet& subnet, std::vector<std::string> groups, IpAddress address,
                              std::string label);
/// A host outside every VPC.
Endpoint outsideEndpoint(IpAddress address, std::string label);

/// Hands out addresses for new interfaces: the lowest free one in the subnet
/// after the four AWS reserves at its start (VPC User Guide, "Subnet CIDR
/// blocks": the first four and the last address are reserved), skipping
/// addresses interfaces hold and ones handed out before.
class AddressPicker {
 public:
  explicit AddressPicker(const Network& network) : network_(network) {}
  Ipv4 next(const topology::Subnet& subnet);
  /// An IPv6 address for a new interface: the lowest free one from the
  /// fourth on in the subnet's first associated IPv6 block (analysedBlock),
  /// or nullopt when the subnet has no IPv6 block.
  std::optional<Ipv6> next6(const topology::Subnet& subnet);

 private:
  const Network& network_;
  std::set<uint32_t> taken_;
  std::set<Ipv6> taken6_;
};

}  // namespace vpcsim::sim
