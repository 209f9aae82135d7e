// IPv4 addresses, CIDR blocks and port ranges as value types that cannot be invalid.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "topology/result.h"

namespace vpcsim::topology {

/// An IPv4 address; built only by parse() or from a host-order integer.
class Ipv4 {
 public:
  constexpr Ipv4() = default;
  constexpr explicit Ipv4(uint32_t value) : value_(value) {}

  /// Parses dotted-quad text ("10.0.0.1"); rejects leading zeros, missing or
  /// extra octets and octets above 255.
  static Result<Ipv4> parse(std::string_view text);

  [[nodiscard]] constexpr uint32_t value() const { return value_; }
  [[nodiscard]] std::string str() const;
  /// True for addresses routable on the public internet (not RFC 1918,
  /// loopback, link-local, CGNAT, multicast, reserved or 0/8).
  [[nodiscard]] bool isPublic() const;

  constexpr auto operator<=>(const Ipv4&) const = default;

 private:
  uint32_t value_ = 0;
};

/// A normalised IPv4 CIDR block (host bits are zero).
class Cidr {
 public:
  constexpr Cidr() = default;

  /// Parses "A.B.C.D/N"; a bare address is a /32. Host bits set below the
  /// prefix are an error ("10.0.0.1/8 has host bits set"), as AWS rejects them.
  static Result<Cidr> parse(std::string_view text);
  /// Like parse() but silently clears host bits (for AWS fields that accept them).
  static Result<Cidr> parseLoose(std::string_view text);
  /// Builds the block of `prefix` bits around `address`, clearing host bits.
  static Cidr of(Ipv4 address, int prefix);

  [[nodiscard]] constexpr Ipv4 base() const { return base_; }
  [[nodiscard]] constexpr int prefix() const { return prefix_; }
  [[nodiscard]] constexpr uint32_t mask() const {
    return prefix_ == 0 ? 0U : ~0U << (32 - prefix_);
  }
  [[nodiscard]] constexpr Ipv4 first() const { return base_; }
  [[nodiscard]] constexpr Ipv4 last() const { return Ipv4(base_.value() | ~mask()); }
  /// Number of addresses, 1 (/32) to 2^32 (/0).
  [[nodiscard]] constexpr uint64_t size() const { return uint64_t{1} << (32 - prefix_); }
  [[nodiscard]] constexpr bool contains(Ipv4 address) const {
    return (address.value() & mask()) == base_.value();
  }
  [[nodiscard]] constexpr bool contains(const Cidr& other) const {
    return other.prefix_ >= prefix_ && contains(other.base_);
  }
  [[nodiscard]] constexpr bool overlaps(const Cidr& other) const {
    return contains(other.base_) || other.contains(base_);
  }
  [[nodiscard]] std::string str() const;

  constexpr auto operator<=>(const Cidr&) const = default;

 private:
  Ipv4 base_;
  int prefix_ = 0;
};

/// IP protocol numbers as AWS writes them; -1 means every protocol.
inline constexpr int kProtocolAll = -1;
inline constexpr int kProtocolIcmp = 1;
inline constexpr int kProtocolTcp = 6;
inline constexpr int kProtocolUdp = 17;
inline constexpr int kProtocolIcmpv6 = 58;

/// Parses an AWS protocol field: "-1", "all", "tcp", "udp", "icmp", "icmpv6" or
/// a number 0-255.
Result<int> parseProtocol(std::string_view text);
/// "tcp", "udp", "icmp", "all" or the number.
std::string protocolName(int protocol);

/// An inclusive port range; 0-65535 is "all ports".
struct PortRange {
  int from = 0;
  int to = 65535;
  [[nodiscard]] constexpr bool contains(int port) const { return port >= from && port <= to; }
  [[nodiscard]] constexpr bool all() const { return from <= 0 && to >= 65535; }
  [[nodiscard]] std::string str() const;
  constexpr auto operator<=>(const PortRange&) const = default;
};

}  // namespace vpcsim::topology
