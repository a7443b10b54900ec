#pragma once
// Names of Kubernetes types: API group/version, kinds and resources, how users
// spell them in our CRDs ("deployments.apps"), and the REST paths they map to.
// Pure string work, no I/O: discovery (kubeclient) decides which resources
// exist; this file only parses, prints and builds paths.
//
// Printed forms, chosen to match what kubectl and client-go show in errors:
//   GroupVersion          "apps/v1", "v1"              (the apiVersion field)
//   GroupVersionKind      "apps/v1, Kind=Deployment"
//   GroupVersionResource  "apps/v1, Resource=deployments"
//   GroupResource         "deployments.apps", "configmaps" (round-trips
//                         through ParseGroupResource)
//
// Thread-safety: value types and pure functions.

#include <compare>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace drs::kube {

// The core group ("", served under /api) has an empty group name.
struct GroupVersion {
  std::string group;
  std::string version;

  std::string ToString() const;  // the apiVersion string
  friend auto operator<=>(const GroupVersion&, const GroupVersion&) = default;
};

struct GroupVersionKind {
  std::string group;
  std::string version;
  std::string kind;

  GroupVersion group_version() const { return {group, version}; }
  std::string ToString() const;
  friend auto operator<=>(const GroupVersionKind&, const GroupVersionKind&) = default;
};

struct GroupVersionResource {
  std::string group;
  std::string version;
  std::string resource;  // lowercase plural, e.g. "deployments"

  GroupVersion group_version() const { return {group, version}; }
  std::string ToString() const;
  friend auto operator<=>(const GroupVersionResource&, const GroupVersionResource&) = default;
};

// A resource named without a version; discovery picks the preferred one.
struct GroupResource {
  std::string group;
  std::string resource;

  std::string ToString() const;
  friend auto operator<=>(const GroupResource&, const GroupResource&) = default;
};

// "v1" -> {"", "v1"}; "apps/v1" -> {"apps", "v1"}. Rejects empty parts, more
// than one '/', and characters Kubernetes does not allow in group or version
// names (both are lowercase DNS names).
Result<GroupVersion> ParseApiVersion(std::string_view api_version);
std::string ApiVersionString(const GroupVersion& gv);

// How users name a type in our CRDs, as `kubectl get` does without a version:
// everything before the first '.' is the resource, the rest is the group.
//   "deployments" -> {"", "deployments"}; "deployments.apps" -> {"apps", "deployments"};
//   "widgets.example.com" -> {"example.com", "widgets"}.
// The resource must be a lowercase plural ("Deployment" is rejected with a
// hint), so kind names are not silently treated as resources.
Result<GroupResource> ParseGroupResource(std::string_view text);

// The REST path of a collection, an object or an object's subresource:
//   core:   /api/v1/namespaces/shop/configmaps/cfg
//   groups: /apis/apps/v1/namespaces/shop/deployments/web/status
// An empty `ns` addresses cluster-scoped resources, or all namespaces when
// listing a namespaced resource. Every segment is checked as the API server
// checks path segment names (not empty, not "." or "..", no '/' or '%'), and
// any other byte outside the URL path alphabet is percent-encoded.
// REQUIRES: a subresource only together with a name (else Invalid).
Result<std::string> ResourcePath(const GroupVersionResource& gvr, std::string_view ns,
                                 std::string_view name = "", std::string_view subresource = "");

}  // namespace drs::kube

template <>
struct std::hash<drs::kube::GroupVersion> {
  std::size_t operator()(const drs::kube::GroupVersion& gv) const noexcept;
};
template <>
struct std::hash<drs::kube::GroupVersionKind> {
  std::size_t operator()(const drs::kube::GroupVersionKind& gvk) const noexcept;
};
template <>
struct std::hash<drs::kube::GroupVersionResource> {
  std::size_t operator()(const drs::kube::GroupVersionResource& gvr) const noexcept;
};
template <>
struct std::hash<drs::kube::GroupResource> {
  std::size_t operator()(const drs::kube::GroupResource& gr) const noexcept;
};
